import Foundation
import GroceryProtocol

/// The client core every front end shares: the walmart and grocery channels, the
/// persistent outbound queue, and delivery (DESIGN §4).
///
/// A query is queued, then sent by the walmart channel's sender when that channel is
/// up, and leaves the queue with its `nlp.result`, in the same write that queues the
/// cart messages the result asks for; those are sent by the grocery channel's sender
/// and leave with their `ack`. After every welcome what is still queued is sent again,
/// in order, paced to the rate the server announced. A message the server rejects is
/// moved to the queue's rejected record instead of blocking the rest.
public actor GroceryClient {
    /// Every event, for one consumer.
    public nonisolated let events: AsyncStream<ClientEvent>
    /// This run's session id, sent in every hello.
    public nonisolated let sessionId: String

    /// The walmart channel.
    public nonisolated let walmart: ReconnectingChannel
    /// The grocery channel.
    public nonisolated let grocery: ReconnectingChannel
    /// Largest message sent: the server's frame limit (DESIGN §4).
    public static let maxMessageBytes = 64 * 1024

    private let queue: OutboundQueue
    private let confirmation: Confirmation
    private let clock: any ClientClock
    private let eventSink: AsyncStream<ClientEvent>.Continuation
    private var pumps: [Task<Void, Never>] = []
    private var senderTasks: [Task<Void, Never>] = []
    private var started = false
    private var senders: [QueuedMessage.Channel: Sender] = [:]

    /// What one channel's sender knows: what went out on this connection, and its pace.
    private struct Sender {
        let wake: AsyncStream<Void>.Continuation
        var sent: Set<String> = []
        var pacer: Pacer
        /// The connection `sent` belongs to.
        var socket: ChannelMachine.SocketID?
    }

    /// Builds the core; opens and locks the queue file (throws when it cannot be read or
    /// another client has it). Without a `transport`, the real one, verifying `wss://`
    /// as `configuration.tls` says.
    public init(
        configuration: ClientConfiguration, transport: (any Transport)? = nil,
        clock: any ClientClock = AnyClientClock(ContinuousClock()), random: SharedRandom = SharedRandom(),
        sessionId: String = UUID().uuidString
    ) throws(QueueError) {
        self.sessionId = sessionId
        self.clock = clock
        queue = try OutboundQueue(file: configuration.queueFile, user: configuration.userId, capacity: configuration.queueCapacity)
        confirmation = configuration.confirmation
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
        for kind in [QueuedMessage.Channel.walmart, .grocery] {
            let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
            senders[kind] = Sender(wake: wake, pacer: Pacer(rate: nil, now: clock.now))
            pumps.append(Task { await self.pump(kind) })
            senderTasks.append(Task { await self.send(kind, wakes: wakes) })
            await channel(kind).start()
        }
    }

    /// Queues a query (it is sent when the walmart channel is up); returns its id.
    /// Throws when it is too large to send or the queue is full or cannot be written:
    /// nothing is dropped silently.
    @discardableResult
    public func submit(_ text: String) async throws(QueueError) -> String {
        let id = UUID().uuidString
        let message = QueuedMessage(id: id, channel: .walmart, text: ClientMessage.nlpQuery(id: id, text: text).encoded())
        let size = message.text.utf8.count
        guard size <= Self.maxMessageBytes else { throw .tooLarge(bytes: size, limit: Self.maxMessageBytes) }
        if try queue.append(message) {
            eventSink.yield(.queued(id: id, depth: queue.count))
        }
        senders[.walmart]?.wake.yield()
        return id
    }

    /// Queues a cart message of the shopper's own (a pick from a result, a cart edit), with
    /// a new id; it goes through the same queue, resends and ids as derived ones, so it is
    /// applied exactly once. Returns its id; throws when the queue refuses it.
    @discardableResult
    public func send(_ action: CartCommand.Action, productId: String? = nil, quantity: Double? = nil, unit: SaleUnit? = nil) async throws(QueueError)
        -> String
    {
        let command = CartCommand(id: UUID().uuidString, action: action, productId: productId, quantity: quantity, unit: unit)
        try enqueue([command])
        return command.id
    }

    /// Queues cart messages of the shopper's own as one change (an undo), each with a new
    /// id. Returns what was queued; throws when the queue refuses it.
    @discardableResult
    public func send(_ changes: [CartChange]) async throws(QueueError) -> [CartCommand] {
        let commands = changes.map {
            CartCommand(id: UUID().uuidString, action: $0.action, productId: $0.productId, quantity: $0.quantity, unit: $0.unit)
        }
        try enqueue(commands)
        return commands
    }

    /// Applies a result that was held for the shopper (``ClientEvent/held(id:_:)``): its
    /// cart messages are queued with the ids the result would have had, so confirming
    /// twice, or a result also applied elsewhere, still changes the cart once.
    public func confirm(_ id: String, _ result: NLPResult) async throws(QueueError) {
        let (commands, skipped) = CartCommands.derive(queryID: id, result: result)
        for item in skipped { eventSink.yield(.error(code: item.error.code, message: item.error.message)) }
        try enqueue(commands)
    }

    /// Replaces what an add result put in the cart with another product, in the same
    /// amount: one write queues taking out what the item added and adding as much of
    /// `replacement` (the quantities are those the result's own cart message used).
    public func swap(_ item: NLPItem, to replacement: ProductSummary) async throws(QueueError) {
        guard let added = item.product, added.id != replacement.id else { return }
        var instead = item
        instead.product = replacement
        guard let taken = CartCommands.cartQuantity(item) else { return }  // the result added none of it
        guard let given = CartCommands.cartQuantity(instead) else {
            let error = CartCommands.Skipped(phrase: item.phrase, reason: .notSoldBy(item.unit, product: replacement.name)).error
            eventSink.yield(.error(code: error.code, message: error.message))
            return
        }
        try enqueue([
            CartCommand(id: UUID().uuidString, action: .remove, productId: added.id, quantity: taken.quantity, unit: taken.unit),
            CartCommand(id: UUID().uuidString, action: .add, productId: replacement.id, quantity: given.quantity, unit: given.unit),
        ])
    }

    /// Asks the server for the latest orders (answered by a ``ClientEvent/orders(id:_:)`` event).
    public func requestOrders() async throws(QueueError) {
        try enqueue([CartCommand(id: UUID().uuidString, action: .orders)])
    }

    /// Cart messages waiting for their ack (those of an earlier run too), oldest first.
    public var pendingChanges: [CartCommand] {
        queue.pending(on: .grocery).compactMap { message in
            guard case .cart(let command)? = try? ClientMessage.decode(Data(message.text.utf8)) else { return nil }
            return command
        }
    }

    private func enqueue(_ commands: [CartCommand]) throws(QueueError) {
        let messages = commands.map { QueuedMessage(id: $0.id, channel: .grocery, text: ClientMessage.cart($0).encoded()) }
        guard !messages.isEmpty, try queue.append(contentsOf: messages) else { return }
        for command in commands { eventSink.yield(.queued(id: command.id, depth: queue.count, change: command)) }
        announce(commands)
        senders[.grocery]?.wake.yield()
    }

    /// Reports cart messages queued together, when they change the cart.
    private func announce(_ commands: [CartCommand]) {
        let changes = commands.filter { [.add, .remove, .update, .clear].contains($0.action) }
        if !changes.isEmpty { eventSink.yield(.changed(changes)) }
    }

    /// Retries both channels now (those waiting or failed).
    public func retryNow() async {
        await walmart.retryNow()
        await grocery.retryNow()
    }

    /// Messages waiting for a reply.
    public var pendingCount: Int { queue.count }

    /// Messages that will never be delivered (rejected by the server, or too large).
    public var rejected: [RejectedMessage] { queue.rejected }

    /// Closes both channels (1000) and stops; the queue stays on disk.
    public func close() async {
        await walmart.close()
        await grocery.close()
        for sender in senders.values { sender.wake.finish() }
        for task in senderTasks { task.cancel() }  // a sender may be waiting for its pace
        for task in senderTasks + pumps { await task.value }  // pumps end with their channel's events
        (senderTasks, pumps) = ([], [])
        eventSink.finish()
    }

    // MARK: - Delivery

    private func channel(_ kind: QueuedMessage.Channel) -> ReconnectingChannel {
        kind == .walmart ? walmart : grocery
    }

    private func pump(_ kind: QueuedMessage.Channel) async {
        let channel = channel(kind)
        for await event in channel.events {
            switch event {
            case .state(let state):
                eventSink.yield(.state(channel: channel.name, state))
                if state.isConnected { senders[kind]?.wake.yield() }  // the sender sees a new connection itself
            case .message(let message):
                handle(message, on: kind)
            }
        }
    }

    /// Sends what is queued and not yet sent on this connection, oldest first, no faster
    /// than the server allows; sleeps until woken (a new message, a welcome, a refusal).
    private func send(_ kind: QueuedMessage.Channel, wakes: AsyncStream<Void>) async {
        let channel = channel(kind)
        for await _ in wakes {
            while true {
                // What was sent belongs to one connection; the sender asks the channel
                // itself which one is current, so a lagging state event cannot make it
                // skip a message lost with the previous one (order is kept per connection).
                guard let socket = await channel.connectedSocket else { break }  // the next welcome wakes us
                if senders[kind]?.socket != socket {
                    senders[kind]?.socket = socket
                    senders[kind]?.sent = []
                }
                guard let message = queue.pending(on: kind).first(where: { senders[kind]?.sent.contains($0.id) == false }) else { break }
                guard message.text.utf8.count <= Self.maxMessageBytes else {
                    reject(message.id, code: "too_large", reason: "\(message.text.utf8.count) bytes; a server takes at most \(Self.maxMessageBytes)")
                    senders[kind]?.sent.insert(message.id)  // if the record could not be written, skip it until the next connection
                    continue
                }
                if let wait = senders[kind]?.pacer.take(now: clock.now) {
                    do { try await clock.sleep(for: wait) } catch { return }
                    continue  // the queue or the connection may have changed meanwhile
                }
                do {
                    try await channel.send(message.text, on: socket)
                } catch {
                    break
                }
                senders[kind]?.sent.insert(message.id)
            }
        }
    }

    private func handle(_ message: ServerMessage, on kind: QueuedMessage.Channel) {
        switch message {
        case .welcome(_, _, _, let rate):
            senders[kind]?.pacer = Pacer(rate: rate, now: clock.now)
        case .nlpResult(let id, let result) where kind == .walmart:
            eventSink.yield(.result(id: id, result))
            answer(id, result)
        case .nlpResult:
            break  // not a grocery-channel message
        case .ack(let id):
            if kind == .grocery { delivered(id) }
        case .cart(let snapshot):
            eventSink.yield(.cart(snapshot))
        case .order(let id, let receipt):
            eventSink.yield(.order(id: id, receipt))
        case .orders(let id, let receipts):
            eventSink.yield(.orders(id: id, receipts))
        case .error(let id?, let code, let text) where code == .rateLimited || code == .internalError:
            // Stays queued; sent again after a pause (the server is busy or could not write).
            senders[kind]?.sent.remove(id)
            senders[kind]?.pacer.pause(until: clock.now + (code == .rateLimited ? Pacer.rateLimitPause : Pacer.busyPause))
            senders[kind]?.wake.yield()
            if code == .internalError { eventSink.yield(.error(code: code.rawValue, message: text)) }
        case .error(let id?, let code, let text):
            reject(id, code: code.rawValue, reason: text)
        case .error(nil, let code, let text):
            if code != .rateLimited { eventSink.yield(.error(code: code.rawValue, message: text)) }
        case .pong, .reconnect:
            break
        }
    }

    /// A query's result: in one write the query leaves and its cart messages join. A
    /// result seen twice (resent after a drop) changes nothing the second time.
    private func answer(_ id: String, _ result: NLPResult) {
        let held = confirmation.holds(result)
        let (commands, skipped) = held ? ([], []) : CartCommands.derive(queryID: id, result: result)
        let derived = commands.map { QueuedMessage(id: $0.id, channel: .grocery, text: ClientMessage.cart($0).encoded()) }
        do {
            guard try queue.answer(queryID: id, with: derived) else { return }
        } catch {
            // Not written: the query stays queued and is asked again after the next welcome.
            eventSink.yield(.error(code: error.code, message: error.description))
            return
        }
        eventSink.yield(.delivered(id: id))
        for item in skipped { eventSink.yield(.error(code: item.error.code, message: item.error.message)) }
        for command in commands { eventSink.yield(.queued(id: command.id, depth: queue.count, change: command)) }
        announce(commands)
        if held { eventSink.yield(.held(id: id, result)) }
        if !derived.isEmpty { senders[.grocery]?.wake.yield() }
    }

    /// Takes an acknowledged message off the queue.
    private func delivered(_ id: String) {
        do {
            guard try queue.remove(id: id, on: .grocery) else { return }
        } catch {
            eventSink.yield(.error(code: error.code, message: error.description))
            return
        }
        eventSink.yield(.delivered(id: id))
    }

    private func reject(_ id: String, code: String, reason: String) {
        do {
            guard try queue.reject(id: id, code: code, reason: reason) else {
                eventSink.yield(.error(code: code, message: reason))
                return
            }
        } catch {
            eventSink.yield(.error(code: error.code, message: error.description))
            return
        }
        eventSink.yield(.rejected(id: id, code: code, message: reason))
    }
}

/// A client-side token bucket a little inside the server's announced rate, so a burst
/// of resends after a reconnect is accepted instead of refused (and, persisting, closed
/// with 1008).
struct Pacer: Sendable {
    /// After a `rate_limited` refusal, no send for this long.
    static let rateLimitPause: Duration = .milliseconds(250)
    /// After an `internal_error`, no send for this long.
    static let busyPause: Duration = .seconds(1)
    /// Without an announcement (an older server): this many a second, in bursts of as many.
    static let unannounced = MessageRate(perSecond: 20, burst: 20)

    private let interval: Duration
    private let burst: Int
    private var tokens: Double
    private var updated: Duration
    private var pausedUntil: Duration = .zero

    init(rate: MessageRate?, now: Duration) {
        let rate = rate ?? Self.unannounced
        // 80 % of the rate and half the burst: pings and other senders share the budget.
        interval = .seconds(1 / max(rate.perSecond * 0.8, 0.1))
        burst = max(rate.burst / 2, 1)
        tokens = Double(burst)
        updated = now
    }

    /// Takes one send; nil when it may go now, else how long to wait first.
    mutating func take(now: Duration) -> Duration? {
        if now < pausedUntil { return pausedUntil - now }
        tokens = min(Double(burst), tokens + max(.zero, now - updated) / interval)
        updated = now
        guard tokens >= 1 else { return interval * (1 - tokens) }
        tokens -= 1
        return nil
    }

    /// No send before `deadline`; the bucket starts empty after it.
    mutating func pause(until deadline: Duration) {
        pausedUntil = max(pausedUntil, deadline)
        tokens = 0
        updated = deadline
    }
}
