import Foundation
import GroceryProtocol

/// What a channel reports, in order.
public enum ChannelEvent: Sendable, Equatable {
    /// The state changed.
    case state(ConnectionState)
    /// A message from the server: the `welcome` (just before the `connected` state), then
    /// what follows it; pongs are consumed by the heartbeat.
    case message(ServerMessage)
}

/// One endpoint's connection, kept alive (DESIGN §3): the thin runner of a
/// ``ChannelMachine``. It feeds the machine events (socket opened, frame received,
/// socket gone, timer fired, the user's start/retry/close) and performs its actions:
/// opening and closing sockets, sending, arming timers on the injected clock, and
/// reporting states and messages.
///
/// Nothing here waits on the peer while holding the actor: each socket is read by a task
/// of its own, and closing a socket drops it if the peer does not finish the close
/// handshake within two seconds, so ``close()`` returns in bounded time whatever the
/// peer does (silent, slow, or sending garbage).
public actor ReconnectingChannel {
    /// The channel's name ("walmart", "grocery").
    public nonisolated let name: String
    /// Every state change and server message, for one consumer.
    public nonisolated let events: AsyncStream<ChannelEvent>

    private let url: String
    private let transport: any Transport
    private let clock: any ClientClock
    private let eventSink: AsyncStream<ChannelEvent>.Continuation
    private var machine: ChannelMachine

    private struct Socket {
        var task: Task<Void, Never>?
        var connection: (any TransportConnection)?
        /// The machine let go of it before it was open: close it as soon as it opens.
        var abandoned = false
    }

    private var sockets: [ChannelMachine.SocketID: Socket] = [:]
    private var timers: [ChannelMachine.Timer: (token: Int, task: Task<Void, Never>)] = [:]
    private var timerToken = 0

    /// The current state.
    public var state: ConnectionState { machine.state }

    /// Sockets and timers alive now; 0 once closed.
    var liveHelpers: Int { sockets.count + timers.count }

    /// Creates a channel; nothing happens until ``start()``.
    public init(
        name: String, url: String, hello: ClientMessage.Hello, transport: any Transport, clock: any ClientClock,
        random: SharedRandom, options: ChannelOptions
    ) {
        self.name = name
        self.url = url
        self.transport = transport
        self.clock = clock
        machine = ChannelMachine(options: options, hello: hello, seed: random.with { $0.next() })
        (events, eventSink) = AsyncStream<ChannelEvent>.makeStream()
    }

    /// Starts connecting (once).
    public func start() {
        handle(.start)
    }

    /// Connects now when waiting or failed, with the backoff sequence started afresh.
    /// While connecting or connected it does nothing: there is never a second socket.
    public func retryNow() {
        handle(.retryNow)
    }

    /// Sends a message when connected; throws ``TransportError/closed`` otherwise.
    public func send(_ text: String) async throws(TransportError) {
        guard let id = machine.connectedSocket else { throw .closed }
        try await send(text, on: id)
    }

    /// The connection messages go out on now (welcomed), if any.
    public var connectedSocket: ChannelMachine.SocketID? { machine.connectedSocket }

    /// Sends on connection `socket` only: throws ``TransportError/closed`` when that one
    /// is no longer the current, welcomed connection.
    public func send(_ text: String, on socket: ChannelMachine.SocketID) async throws(TransportError) {
        guard machine.connectedSocket == socket, let connection = sockets[socket]?.connection else { throw .closed }
        try await connection.send(text)
    }

    /// Ends the channel: closes the socket with 1000 and stops every task. Idempotent;
    /// returns once every socket and timer is gone (bounded: see the type's note).
    public func close() async {
        handle(.close)
        while let socket = sockets.values.first {
            await socket.task?.value  // its end removes it from `sockets`
        }
        for (_, timer) in timers { timer.task.cancel() }
        for (_, timer) in timers { await timer.task.value }
        timers = [:]
        eventSink.finish()
    }

    // MARK: - Running the machine

    private func handle(_ event: ChannelMachine.Event) {
        for action in machine.handle(event, now: clock.now) { perform(action) }
    }

    private func perform(_ action: ChannelMachine.Action) {
        switch action {
        case .open(let id):
            sockets[id] = Socket()
            sockets[id]?.task = Task { await self.run(socket: id) }
        case .send(let id, let text):
            guard let connection = sockets[id]?.connection else { return }
            Task { try? await connection.send(text) }
        case .closeSocket(let id, let code):
            drop(id) { await $0.close(code: code, reason: code == 1000 ? "closed by the user" : "") }
        case .terminate(let id):
            drop(id) { await $0.terminate() }
        case .arm(let timer, let deadline):
            timers[timer]?.task.cancel()
            timerToken += 1
            let token = timerToken
            let clock = self.clock
            timers[timer] = (token, Task {
                do { try await clock.sleep(until: deadline) } catch { return }
                self.fire(timer, token: token)  // the task runs on this actor
            })
        case .cancel(let timer):
            timers.removeValue(forKey: timer)?.task.cancel()
        case .emit(let state):
            eventSink.yield(.state(state))
        case .deliver(let message):
            eventSink.yield(.message(message))
        }
    }

    /// Ends a socket: an open one with `how` (its reader then reports it gone), one still
    /// opening by cancelling the attempt (which reports it failed).
    private func drop(_ id: ChannelMachine.SocketID, how: @escaping @Sendable (any TransportConnection) async -> Void) {
        guard var socket = sockets[id] else { return }
        if let connection = socket.connection {
            Task { await how(connection) }
        } else {
            socket.abandoned = true
            socket.task?.cancel()
            sockets[id] = socket
        }
    }

    private func fire(_ timer: ChannelMachine.Timer, token: Int) {
        guard timers[timer]?.token == token else { return }
        timers[timer] = nil
        handle(.timerFired(timer))
    }

    /// One socket's life: open it, then read until it is gone, reporting each step.
    private func run(socket id: ChannelMachine.SocketID) async {
        let connection: any TransportConnection
        do {
            connection = try await transport.connect(to: url)
        } catch {
            ended(id, .socketFailed(id, Self.problem(error), retryAfter: Self.retryAfter(error)))
            return
        }
        opened(id, connection)
        while true {
            switch await connection.receive() {
            case .text(let text):
                handle(.received(id, ServerMessage.decode(Data(text.utf8))))
            case .closed(let code, let reason):
                ended(id, .socketClosed(id, code: code, reason: reason))
                return
            }
        }
    }

    private func opened(_ id: ChannelMachine.SocketID, _ connection: any TransportConnection) {
        sockets[id]?.connection = connection
        if sockets[id]?.abandoned == true {
            Task { await connection.terminate() }  // its reader reports it gone
            return
        }
        handle(.socketOpened(id))
    }

    private func ended(_ id: ChannelMachine.SocketID, _ event: ChannelMachine.Event) {
        sockets[id] = nil
        handle(event)
    }

    private static func problem(_ error: TransportError) -> ConnectionProblem {
        switch error {
        case .refused(let status, _): .refused(status: status)
        case .connectFailed(let detail): .cannotConnect(detail: detail)
        case .tls(let detail): .tls(detail: detail)
        case .unsupportedURL(let detail): .badURL(detail)
        case .closed: .cannotConnect(detail: "the connection closed while opening")
        }
    }

    private static func retryAfter(_ error: TransportError) -> Duration? {
        if case .refused(_, let retryAfter) = error { return retryAfter }
        return nil
    }
}
