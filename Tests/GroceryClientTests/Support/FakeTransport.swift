import Foundation
import GroceryProtocol
import Synchronization

@testable import GroceryClient

/// A scripted transport for state-machine tests: counts sockets, answers hello with
/// welcome and ping with pong, and lets a test drop a connection with any close code,
/// hold a welcome back, or keep a socket the client closed open until it says so.
final class FakeTransport: Transport {
    enum Behavior: Sendable {
        case accept
        case refuse(status: Int, retryAfter: Duration?)
        case fail(String)
        /// Never answers until cancelled (a silent listener).
        case hang
        /// Accepts, but answers hello with an error.
        case rejectHello
        /// Accepts (the socket is open), but holds the welcome back until the test calls
        /// ``FakeConnection/welcome()``: a server slow to answer hello.
        case acceptSilently
    }

    private struct State {
        var script: [Behavior] = []
        var fallback: Behavior = .accept
        var connections: [FakeConnection] = []
        var open = 0
        var maxOpen = 0
        var attempts = 0
        var hanging = 0
        var holdsCloses = false
    }

    private let state = Mutex(State())

    /// Behaviors for the next attempts, then `fallback` for every later one.
    func script(_ behaviors: [Behavior], then fallback: Behavior = .accept) {
        state.withLock {
            $0.script = behaviors
            $0.fallback = fallback
        }
    }

    /// Sockets accepted from now on stay open after the client closes or drops them, until
    /// the test calls ``FakeConnection/letGo()`` (a peer slow to go away). `Harness.finish()`
    /// lets every one go.
    func holdCloses(_ hold: Bool = true) {
        state.withLock { $0.holdsCloses = hold }
    }

    var attempts: Int { state.withLock { $0.attempts } }
    var openCount: Int { state.withLock { $0.open } }
    var maxOpen: Int { state.withLock { $0.maxOpen } }
    var hanging: Int { state.withLock { $0.hanging } }
    var last: FakeConnection? { state.withLock { $0.connections.last } }
    var connections: [FakeConnection] { state.withLock { $0.connections } }

    func connect(to url: String) async throws(TransportError) -> any TransportConnection {
        let (behavior, holdsClose) = state.withLock { state in
            state.attempts += 1
            return (state.script.isEmpty ? state.fallback : state.script.removeFirst(), state.holdsCloses)
        }
        switch behavior {
        case .accept, .rejectHello, .acceptSilently:
            let greeting: FakeConnection.Greeting =
                switch behavior {
                case .rejectHello: .refuse
                case .acceptSilently: .onRequest
                default: .welcome
                }
            let connection = FakeConnection(transport: self, url: url, greeting: greeting, holdsClose: holdsClose)
            state.withLock { state in
                state.connections.append(connection)
                state.open += 1
                state.maxOpen = max(state.maxOpen, state.open)
            }
            return connection
        case .refuse(let status, let retryAfter):
            throw .refused(status: status, retryAfter: retryAfter)
        case .fail(let reason):
            throw .connectFailed(reason)
        case .hang:
            state.withLock { $0.hanging += 1 }
            let (stream, continuation) = AsyncStream<Void>.makeStream()
            await withTaskCancellationHandler {
                for await _ in stream {}
            } onCancel: {
                continuation.finish()
            }
            state.withLock { $0.hanging -= 1 }
            throw .connectFailed("cancelled")
        }
    }

    fileprivate func closed() {
        state.withLock { $0.open -= 1 }
    }
}

/// One fake socket.
final class FakeConnection: TransportConnection {
    /// How it answers hello.
    enum Greeting: Sendable {
        /// With welcome at once.
        case welcome
        /// With an error (`invalid_field`, "bad user").
        case refuse
        /// With welcome once the test calls ``FakeConnection/welcome()``.
        case onRequest
    }

    private struct State {
        var closed = false
        var sent: [String] = []
        var answersPings = true
        /// The session hello named, once hello arrived.
        var helloSession: String?
        /// A welcome waits for ``FakeConnection/welcome()``.
        var holdsWelcome: Bool
        /// A close waits for ``FakeConnection/letGo()``.
        var holdsClose: Bool
        /// The close asked for while held.
        var pendingClose: (code: UInt16, reason: String)?
    }

    private let transport: FakeTransport
    private let events = EventBuffer()
    private let state: Mutex<State>
    private let greeting: Greeting
    /// Where it was opened to.
    let url: String
    var isWalmart: Bool { url.contains("walmart") }

    init(transport: FakeTransport, url: String, greeting: Greeting, holdsClose: Bool) {
        self.transport = transport
        self.url = url
        self.greeting = greeting
        state = Mutex(State(holdsWelcome: greeting == .onRequest, holdsClose: holdsClose))
    }

    var sent: [String] { state.withLock { $0.sent } }
    /// The socket is gone (closed by either side, and let go when held).
    var isClosed: Bool { state.withLock { $0.closed } }
    /// Hello has arrived on it.
    var heardHello: Bool { state.withLock { $0.helloSession != nil } }

    /// The `ts` of every ping sent on it, in order.
    var pings: [Double] {
        sent.compactMap { text -> Double? in
            guard case .ping(let ts)? = try? ClientMessage.decode(Data(text.utf8)) else { return nil }
            return ts
        }
    }

    /// Stop answering pings (a server under SIGSTOP).
    func goSilent() { state.withLock { $0.answersPings = false } }

    /// Sends the welcome held back (``FakeTransport/Behavior/acceptSilently``): now when
    /// hello has arrived, else as soon as it does. Once.
    func welcome() {
        let session: String? = state.withLock { state in
            guard state.holdsWelcome else { return nil }
            state.holdsWelcome = false
            return state.helloSession
        }
        if let session { push(Self.welcomeMessage(session)) }
    }

    /// Stops holding closes (``FakeTransport/holdCloses(_:)``): a close already asked for
    /// ends the socket now, a later one at once.
    func letGo() {
        let pending: (code: UInt16, reason: String)? = state.withLock { state in
            state.holdsClose = false
            return state.pendingClose
        }
        if let pending { end(code: pending.code, reason: pending.reason) }
    }

    func send(_ text: String) async throws(TransportError) {
        let message = try? ClientMessage.decode(Data(text.utf8))
        let greeting = self.greeting
        let (closed, answer) = state.withLock { state -> (Bool, ServerMessage?) in
            guard !state.closed else { return (true, nil) }
            state.sent.append(text)
            switch message {
            case .hello(let hello)?:
                let session = hello.sessionId ?? "s"
                state.helloSession = session
                switch greeting {
                case .welcome: return (false, Self.welcomeMessage(session))
                case .refuse: return (false, .error(id: nil, code: .invalidField, message: "bad user"))
                case .onRequest: return (false, state.holdsWelcome ? nil : Self.welcomeMessage(session))
                }
            case .ping(let ts)? where state.answersPings:
                return (false, .pong(ts: ts))
            default:
                return (false, nil)
            }
        }
        guard !closed else { throw .closed }
        if let answer { push(answer) }
    }

    func push(_ message: ServerMessage) {
        events.push(.text(message.encoded()))
    }

    func receive() async -> TransportEvent {
        await events.next()
    }

    /// The server closes (or the network drops with 1006); never held.
    func drop(code: UInt16, reason: String = "") {
        end(code: code, reason: reason)
    }

    func close(code: UInt16, reason: String) async {
        let now = state.withLock { state -> Bool in
            guard !state.closed, state.pendingClose == nil else { return false }
            guard !state.holdsClose else {
                state.pendingClose = (code, reason)
                return false
            }
            return true
        }
        if now { end(code: code, reason: reason) }
    }

    func terminate() async {
        await close(code: 1006, reason: "terminated")
    }

    private static func welcomeMessage(_ session: String) -> ServerMessage {
        .welcome(sessionId: session, resumed: false, heartbeatMs: 30_000)
    }

    /// The socket is gone: its reader gets `closed`.
    private func end(code: UInt16, reason: String) {
        guard markClosed() else { return }
        events.push(.closed(code: code, reason: reason))
        events.finish()
    }

    private func markClosed() -> Bool {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if first { transport.closed() }
        return first
    }
}
