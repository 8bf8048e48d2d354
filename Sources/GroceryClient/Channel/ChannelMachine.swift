import Foundation
import GroceryProtocol

/// One channel's connection logic as a pure state machine (DESIGN §3), the way swift-nio
/// writes its protocol state machines: events in, actions out, no I/O, no clock of its
/// own (every event carries `now`), randomness from a seeded generator it owns. The
/// runner, ``ReconnectingChannel``, performs the actions and reports what happened.
///
/// Sockets are numbered. The machine asks for at most one at a time: after it closes one
/// it waits for the runner to report that socket gone before it opens the next, so at
/// most one connection per channel exists at any moment. Events of a socket that is no
/// longer current are ignored.
public struct ChannelMachine: Sendable {
    /// A socket's number, unique within a channel.
    public typealias SocketID = Int

    /// The machine's timers; each is armed at most once at a time.
    public enum Timer: Sendable, Hashable, CaseIterable {
        /// TCP + TLS + upgrade + hello + welcome must finish by then.
        case connectTimeout
        /// The next reconnect attempt.
        case retry
        /// The next ping.
        case heartbeat
        /// A frame must have arrived by then since the last ping.
        case heartbeatTimeout
        /// Healthy until then: the attempt counter resets.
        case stable
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        /// Connect (once; later starts are ignored).
        case start
        /// The socket's TCP connection and WebSocket upgrade are done.
        case socketOpened(SocketID)
        /// The socket could not be opened; nothing of it is left.
        case socketFailed(SocketID, ConnectionProblem, retryAfter: Duration?)
        /// A text frame arrived: a server message, or nil when it was not one.
        case received(SocketID, ServerMessage?)
        /// The socket is gone: the peer's close code, 1006 when there was none.
        case socketClosed(SocketID, code: UInt16, reason: String)
        /// A timer armed earlier fired (a stale firing is ignored).
        case timerFired(Timer)
        /// The user asked to connect now.
        case retryNow
        /// The user closed the channel.
        case close
    }

    /// What the runner must do, in order.
    public enum Action: Sendable, Equatable {
        /// Open socket `id` to the channel's URL (TCP, TLS, upgrade) and report back.
        case open(SocketID)
        /// Send this text on socket `id`.
        case send(SocketID, String)
        /// Close socket `id` with this code (bounded: a peer that does not answer is dropped).
        case closeSocket(SocketID, code: UInt16)
        /// Drop socket `id` at once, without a close handshake (the peer is dead or broken).
        case terminate(SocketID)
        /// Fire `timer` at this clock time (replaces an earlier arming).
        case arm(Timer, at: Duration)
        /// Disarm `timer`.
        case cancel(Timer)
        /// The state changed to this.
        case emit(ConnectionState)
        /// A server message for the client (the welcome, then what follows it; pongs stay here).
        case deliver(ServerMessage)
    }

    private enum SocketPhase: Equatable {
        case opening, helloSent, open, closing
    }

    /// The longest wait a server can ask for (`reconnect`, `Retry-After`): an hour.
    static let longestServerDelayMs = 3_600_000

    /// The current state.
    public private(set) var state: ConnectionState = .idle
    /// Timers armed now and when they fire.
    public private(set) var armed: [Timer: Duration] = [:]

    private let options: ChannelOptions
    private let helloText: String
    private var random: SplitMix64
    private var socket: (id: SocketID, phase: SocketPhase)?
    private var nextSocket: SocketID = 1
    private var attempt = 0
    /// Connecting is decided but waits for the previous socket to be gone.
    private var openWhenClosed = false
    private var serverMinimumDelay: Duration?
    private var rateLimitWarned = false

    /// A machine for a channel with these options, saying `hello` on every connection.
    public init(options: ChannelOptions, hello: ClientMessage.Hello, seed: UInt64) {
        self.options = options
        helloText = ClientMessage.hello(hello).encoded()
        random = SplitMix64(seed: seed)
    }

    /// Whether a socket exists now (opening, open or closing).
    public var hasSocket: Bool { socket != nil }

    /// The socket messages may be sent on now (connected), if any.
    public var connectedSocket: SocketID? {
        guard state.isConnected, let socket, socket.phase == .open else { return nil }
        return socket.id
    }

    /// Handles one event at clock time `now`; returns what to do.
    public mutating func handle(_ event: Event, now: Duration) -> [Action] {
        var actions: [Action] = []
        switch event {
        case .start:
            guard case .idle = state else { break }
            connect(attempt: 0, now: now, &actions)

        case .retryNow:
            switch state {
            case .idle:
                connect(attempt: 0, now: now, &actions)
            case .waiting, .failed:
                disarm(.retry, &actions)
                connect(attempt: 0, now: now, &actions)
            case .connecting, .connected, .closed:
                break  // never a second socket
            }

        case .close:
            guard state != .closed else { break }
            for timer in Timer.allCases where armed[timer] != nil { disarm(timer, &actions) }
            openWhenClosed = false
            if let socket, socket.phase != .closing {
                self.socket?.phase = .closing
                actions.append(.closeSocket(socket.id, code: 1000))
            }
            set(.closed, &actions)

        case .socketOpened(let id):
            guard socket?.id == id, socket?.phase == .opening else { break }
            socket?.phase = .helloSent
            actions.append(.send(id, helloText))

        case .socketFailed(let id, let problem, let retryAfter):
            guard socket?.id == id else { break }
            let wasClosing = socket?.phase == .closing
            socket = nil
            if wasClosing {
                socketGone(now: now, &actions)
            } else {
                disarm(.connectTimeout, &actions)
                failed(problem, minimum: retryAfter, now: now, &actions)
            }

        case .received(let id, let message):
            guard let current = socket, current.id == id, current.phase != .closing else { break }
            if armed[.heartbeatTimeout] != nil { disarm(.heartbeatTimeout, &actions) }  // any frame proves the peer alive
            received(message, on: current, now: now, &actions)

        case .socketClosed(let id, let code, let reason):
            guard let current = socket, current.id == id else { break }
            socket = nil
            if current.phase == .closing {
                socketGone(now: now, &actions)
                break
            }
            let problem = ConnectionProblem.closedBy(code: code, reason: reason, afterRateLimit: rateLimitWarned)
            for timer in [Timer.connectTimeout, .heartbeat, .heartbeatTimeout, .stable] where armed[timer] != nil { disarm(timer, &actions) }
            failed(problem, minimum: serverMinimumDelay, now: now, &actions)

        case .timerFired(let timer):
            guard let at = armed[timer], at <= now else { break }  // disarmed or re-armed later: stale
            armed[timer] = nil
            fired(timer, now: now, &actions)
        }
        return actions
    }

    // MARK: - Steps

    private mutating func received(_ message: ServerMessage?, on current: (id: SocketID, phase: SocketPhase), now: Duration, _ actions: inout [Action]) {
        if current.phase != .open {
            // Before welcome only welcome or an error counts; anything else (garbage,
            // pongs) waits for the connect timeout.
            switch message {
            case .welcome?:
                actions.append(.deliver(message!))  // before `connected`: the client reads the announced rate first
                socket?.phase = .open
                disarm(.connectTimeout, &actions)
                rateLimitWarned = false
                arm(.heartbeat, at: now + options.heartbeatInterval, &actions)
                arm(.stable, at: now + options.policy.stableAfter, &actions)
                set(.connected(since: now, rtt: nil), &actions)
            case .error(_, let code, let text)?:
                end(current.id, .helloRefused(code: code.rawValue, message: text), now: now, &actions)
            default:
                break
            }
            return
        }
        switch message {
        case .pong(let ts)? where ts.isFinite && abs(ts) < 1e15:  // a hostile ts must not trap the conversion
            if case .connected(let since, _) = state {
                set(.connected(since: since, rtt: max(now - .milliseconds(Int64(ts)), .zero)), &actions)
            }
        case .reconnect(let retryAfterMs)?:
            serverMinimumDelay = .milliseconds(min(max(retryAfterMs, 0), Self.longestServerDelayMs))
            actions.append(.deliver(.reconnect(retryAfterMs: retryAfterMs)))
        case .error(_, .rateLimited, _)?:
            rateLimitWarned = true
            actions.append(.deliver(message!))
        case let message?:
            actions.append(.deliver(message))
        case nil:
            break
        }
    }

    private mutating func fired(_ timer: Timer, now: Duration, _ actions: inout [Action]) {
        switch timer {
        case .connectTimeout:
            guard case .connecting = state else { break }
            if let current = socket, current.phase != .closing {
                end(current.id, .connectTimeout(options.connectTimeout), now: now, &actions)
            } else {
                openWhenClosed = false  // the previous socket never went away: this attempt failed too
                failed(.connectTimeout(options.connectTimeout), minimum: serverMinimumDelay, now: now, &actions)
            }
        case .retry:
            guard case .waiting(let next, _, _) = state else { break }
            connect(attempt: next, now: now, &actions)
        case .heartbeat:
            guard let id = connectedSocket else { break }
            actions.append(.send(id, ClientMessage.ping(ts: Double(now.wholeMilliseconds)).encoded()))
            arm(.heartbeat, at: now + options.heartbeatInterval, &actions)
            if armed[.heartbeatTimeout] == nil { arm(.heartbeatTimeout, at: now + options.heartbeatTimeout, &actions) }
        case .heartbeatTimeout:
            guard let id = connectedSocket else { break }
            end(id, .heartbeatTimeout(options.heartbeatTimeout), now: now, &actions)
        case .stable:
            attempt = 0
        }
    }

    /// Gives up on the current socket for `problem`: drops it, and moves on as the
    /// problem says once it is gone (the state changes now).
    private mutating func end(_ id: SocketID, _ problem: ConnectionProblem, now: Duration, _ actions: inout [Action]) {
        for timer in [Timer.connectTimeout, .heartbeat, .heartbeatTimeout, .stable] where armed[timer] != nil { disarm(timer, &actions) }
        socket?.phase = .closing
        actions.append(.terminate(id))
        failed(problem, minimum: serverMinimumDelay, now: now, &actions)
    }

    private mutating func failed(_ problem: ConnectionProblem, minimum: Duration?, now: Duration, _ actions: inout [Action]) {
        guard state != .closed else { return }
        let floor = [minimum, serverMinimumDelay].compactMap { $0 }.max().map { min($0, .milliseconds(Self.longestServerDelayMs)) }
        serverMinimumDelay = nil  // a server's "come back later" counts for the next wait only
        guard problem.isRetryable else {
            set(.failed(reason: problem, attempts: attempt), &actions)
            return
        }
        attempt += 1
        guard attempt <= options.policy.maxAttempts else {
            attempt = options.policy.maxAttempts
            set(.failed(reason: .gaveUp(attempts: options.policy.maxAttempts, last: problem), attempts: options.policy.maxAttempts), &actions)
            return
        }
        var delay = options.policy.delay(attempt: attempt, using: &random)
        if let floor, delay < floor { delay = floor }
        let retryAt = now + delay
        set(.waiting(attempt: attempt, retryAt: retryAt, lastError: problem), &actions)
        arm(.retry, at: retryAt, &actions)
    }

    private mutating func connect(attempt: Int, now: Duration, _ actions: inout [Action]) {
        self.attempt = attempt
        set(.connecting(attempt: attempt), &actions)
        arm(.connectTimeout, at: now + options.connectTimeout, &actions)
        if socket == nil {
            openSocket(&actions)
        } else {
            openWhenClosed = true  // the previous socket is still closing
        }
    }

    private mutating func socketGone(now: Duration, _ actions: inout [Action]) {
        guard openWhenClosed, case .connecting = state else { return }
        openWhenClosed = false
        openSocket(&actions)
    }

    private mutating func openSocket(_ actions: inout [Action]) {
        let id = nextSocket
        nextSocket += 1
        socket = (id, .opening)
        actions.append(.open(id))
    }

    private mutating func set(_ new: ConnectionState, _ actions: inout [Action]) {
        guard new != state else { return }
        state = new
        actions.append(.emit(new))
    }

    private mutating func arm(_ timer: Timer, at deadline: Duration, _ actions: inout [Action]) {
        armed[timer] = deadline
        actions.append(.arm(timer, at: deadline))
    }

    private mutating func disarm(_ timer: Timer, _ actions: inout [Action]) {
        guard armed.removeValue(forKey: timer) != nil else { return }
        actions.append(.cancel(timer))
    }
}
