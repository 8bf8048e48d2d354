import Foundation
import GroceryProtocol

/// The client core every front end shares: the walmart and grocery channels, the
/// persistent outbound queue, and delivery (DESIGN §4). A query is queued, sent when
/// the walmart channel is up, and leaves the queue with its `nlp.result`; the cart
/// messages the result asks for are queued and sent on the grocery channel and leave
/// with their `ack`. After every welcome what is still queued is sent again, in order.
public actor GroceryClient {
    /// Every event, for one consumer.
    public nonisolated let events: AsyncStream<ClientEvent>
    /// This run's session id, sent in every hello.
    public nonisolated let sessionId: String

    /// The walmart channel.
    public nonisolated let walmart: ReconnectingChannel
    /// The grocery channel.
    public nonisolated let grocery: ReconnectingChannel
    private let queue: OutboundQueue
    private let eventSink: AsyncStream<ClientEvent>.Continuation
    private var pumps: [Task<Void, Never>] = []
    private var started = false

    /// Builds the core; opens the queue file (throws when it cannot be read). Without a
    /// `transport`, the real one, verifying `wss://` as `configuration.tls` says.
    public init(
        configuration: ClientConfiguration, transport: (any Transport)? = nil,
        clock: any ClientClock = AnyClientClock(ContinuousClock()), random: SharedRandom = SharedRandom(),
        sessionId: String = UUID().uuidString
    ) throws(QueueError) {
        self.sessionId = sessionId
        queue = try OutboundQueue(file: configuration.queueFile, capacity: configuration.queueCapacity)
        let hello = ClientMessage.Hello(sessionId: sessionId, userId: configuration.userId, token: configuration.token)
        let transport = transport ?? NIOWebSocketTransport(tls: configuration.tls)
        walmart = ReconnectingChannel(
            name: "walmart", url: configuration.walmartURL, hello: hello, transport: transport, clock: clock, random: random,
            options: configuration.channel)
        grocery = ReconnectingChannel(
            name: "grocery", url: configuration.groceryURL, hello: hello, transport: transport, clock: clock, random: random,
            options: configuration.channel)
        (events, eventSink) = AsyncStream<ClientEvent>.makeStream()
    }

    /// Connects both channels.
    public func start() async {
        guard !started else { return }
        started = true
        for channel in [walmart, grocery] {
            pumps.append(Task { await self.pump(channel) })
            await channel.start()
        }
    }

    /// Queues a query and sends it if the walmart channel is up; returns its id.
    /// Throws ``QueueError/full(capacity:)`` when the queue is full: nothing is dropped silently.
    @discardableResult
    public func submit(_ text: String) async throws(QueueError) -> String {
        let id = UUID().uuidString
        let message = QueuedMessage(id: id, channel: .walmart, text: ClientMessage.nlpQuery(id: id, text: text).encoded())
        try enqueue(message)
        try? await walmart.send(message.text)
        return id
    }

    /// Retries both channels now (those waiting or failed).
    public func retryNow() async {
        await walmart.retryNow()
        await grocery.retryNow()
    }

    /// Messages waiting for a reply.
    public var pendingCount: Int { queue.count }

    /// Closes both channels (1000) and stops; the queue stays on disk.
    public func close() async {
        await walmart.close()
        await grocery.close()
        for pump in pumps { await pump.value }
        pumps = []
        eventSink.finish()
    }

    // MARK: - Delivery

    private func enqueue(_ message: QueuedMessage) throws(QueueError) {
        if try queue.append(message) {
            eventSink.yield(.queued(id: message.id, depth: queue.count))
        }
    }

    private func pump(_ channel: ReconnectingChannel) async {
        for await event in channel.events {
            switch event {
            case .state(let state):
                eventSink.yield(.state(channel: channel.name, state))
                if state.isConnected { await resend(on: channel) }
            case .message(let message):
                await handle(message, from: channel)
            }
        }
    }

    /// After a welcome, everything still queued for the channel goes out again, in order.
    private func resend(on channel: ReconnectingChannel) async {
        let kind: QueuedMessage.Channel = channel === walmart ? .walmart : .grocery
        for message in queue.pending(on: kind) {
            do { try await channel.send(message.text) } catch { return }  // dropped again: the next welcome resends
        }
    }

    private func handle(_ message: ServerMessage, from channel: ReconnectingChannel) async {
        switch message {
        case .nlpResult(let id, let result):
            _ = delivered(id)  // a result seen twice (resent after a drop) is shown again; its cart ids repeat
            eventSink.yield(.result(id: id, result))
            let (commands, skipped) = CartCommands.derive(queryID: id, result: result)
            for phrase in skipped {
                eventSink.yield(.error(code: "not_found", message: "no product matches \"\(phrase)\""))
            }
            for command in commands {
                let queued = QueuedMessage(id: command.id, channel: .grocery, text: ClientMessage.cart(command).encoded())
                do {
                    try enqueue(queued)
                    try? await grocery.send(queued.text)
                } catch {
                    eventSink.yield(.error(code: "queue", message: error.description))
                }
            }
        case .ack(let id):
            if channel === grocery { _ = delivered(id) }
        case .cart(let snapshot):
            eventSink.yield(.cart(snapshot))
        case .order(let id, let orderId, let total, _):
            eventSink.yield(.order(id: id, orderId: orderId, total: total))
        case .error(let id, let code, let text):
            if code == .rateLimited { return }  // stays queued; sent again after the next welcome
            if let id { _ = delivered(id) }
            eventSink.yield(.error(code: code.rawValue, message: text))
        case .welcome, .pong, .reconnect:
            break
        }
    }

    /// Takes a replied message off the queue; true when it was there.
    private func delivered(_ id: String) -> Bool {
        do {
            guard try queue.remove(id: id) else { return false }
        } catch {
            eventSink.yield(.error(code: "queue", message: error.description))
            return false
        }
        eventSink.yield(.delivered(id: id))
        return true
    }
}
