import Foundation
import GroceryProtocol
import Synchronization

@testable import GroceryClient

/// A scripted transport for state-machine tests: counts sockets, answers hello with
/// welcome and ping with pong, and lets a test drop a connection with any close code.
final class FakeTransport: Transport {
    enum Behavior: Sendable {
        case accept
        case refuse(status: Int, retryAfter: Duration?)
        case fail(String)
        /// Never answers until cancelled (a silent listener).
        case hang
        /// Accepts, but answers hello with an error.
        case rejectHello
    }

    private struct State {
        var script: [Behavior] = []
        var fallback: Behavior = .accept
        var connections: [FakeConnection] = []
        var open = 0
        var maxOpen = 0
        var attempts = 0
        var hanging = 0
    }

    private let state = Mutex(State())

    /// Behaviors for the next attempts, then `fallback` for every later one.
    func script(_ behaviors: [Behavior], then fallback: Behavior = .accept) {
        state.withLock {
            $0.script = behaviors
            $0.fallback = fallback
        }
    }

    var attempts: Int { state.withLock { $0.attempts } }
    var openCount: Int { state.withLock { $0.open } }
    var maxOpen: Int { state.withLock { $0.maxOpen } }
    var hanging: Int { state.withLock { $0.hanging } }
    var last: FakeConnection? { state.withLock { $0.connections.last } }
    var connections: [FakeConnection] { state.withLock { $0.connections } }

    func connect(to url: String) async throws(TransportError) -> any TransportConnection {
        let behavior = state.withLock { state in
            state.attempts += 1
            return state.script.isEmpty ? state.fallback : state.script.removeFirst()
        }
        switch behavior {
        case .accept, .rejectHello:
            let connection = FakeConnection(transport: self, url: url, rejectHello: { if case .rejectHello = behavior { true } else { false } }())
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
    private let transport: FakeTransport
    private let events = EventBuffer()
    private let state = Mutex<(closed: Bool, sent: [String], answersPings: Bool)>((false, [], true))
    private let rejectHello: Bool
    /// Where it was opened to.
    let url: String
    var isWalmart: Bool { url.contains("walmart") }

    init(transport: FakeTransport, url: String, rejectHello: Bool) {
        self.transport = transport
        self.url = url
        self.rejectHello = rejectHello
    }

    var sent: [String] { state.withLock { $0.sent } }
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Stop answering pings (a server under SIGSTOP).
    func goSilent() { state.withLock { $0.answersPings = false } }

    func send(_ text: String) async throws(TransportError) {
        let (closed, answers) = state.withLock { state in
            if !state.closed { state.sent.append(text) }
            return (state.closed, state.answersPings)
        }
        guard !closed else { throw .closed }
        switch try? ClientMessage.decode(Data(text.utf8)) {
        case .hello(let hello)?:
            if rejectHello {
                push(.error(id: nil, code: .invalidField, message: "bad user"))
            } else {
                push(.welcome(sessionId: hello.sessionId ?? "s", resumed: false, heartbeatMs: 30_000))
            }
        case .ping(let ts)? where answers:
            push(.pong(ts: ts))
        default:
            break
        }
    }

    func push(_ message: ServerMessage) {
        events.push(.text(message.encoded()))
    }

    func receive() async -> TransportEvent {
        await events.next()
    }

    /// The server closes (or the network drops with 1006).
    func drop(code: UInt16, reason: String = "") {
        guard markClosed() else { return }
        events.push(.closed(code: code, reason: reason))
        events.finish()
    }

    func close(code: UInt16, reason: String) async {
        guard markClosed() else { return }
        events.push(.closed(code: code, reason: reason))
        events.finish()
    }

    func terminate() async {
        await close(code: 1006, reason: "terminated")
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
