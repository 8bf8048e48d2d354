import NIOCore
import Synchronization

/// The walmart and grocery channels: a ``ChannelSession`` driven on the event loop.
/// Most messages (queries, pings, bad input) are answered right there, with no thread
/// hop; a cart change (or the write behind a welcome) awaits the database in a task, and
/// messages that arrive meanwhile wait their turn, so replies keep the order of the requests.
final class LoopConversation: Conversation {
    /// Messages held while a database step is in flight, beyond which the client is
    /// flooding faster than the rate limiter can answer and is closed with 1008.
    static let maxWaiting = 1024

    private var session: ChannelSession
    private let connection: LiveConnection
    private let eventLoop: any EventLoop
    private var waiting: [InboundMessage] = []
    private var busy = false

    init(session: ChannelSession, connection: LiveConnection, eventLoop: any EventLoop) {
        self.session = session
        self.connection = connection
        self.eventLoop = eventLoop
    }

    func receive(_ message: InboundMessage) {
        guard !busy else {
            waiting.append(message)
            if waiting.count > Self.maxWaiting {
                waiting.removeAll()
                connection.close(.policyViolation, reason: "too many messages waiting")
            }
            return
        }
        handle(message)
    }

    private func handle(_ message: InboundMessage) {
        guard let work = session.handleNow(message, on: connection) else { return }
        busy = true
        let (session, connection, eventLoop) = (self.session, self.connection, self.eventLoop)
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        Task {
            await session.perform(work, on: connection)
            eventLoop.execute { this.value.finished() }
        }
    }

    private func finished() {
        busy = false
        while !busy, !waiting.isEmpty {
            handle(waiting.removeFirst())
        }
    }

    func end() {
        waiting.removeAll()
    }

    var isIdentified: Bool { session.isIdentified }
}

/// A session that awaits for most of what it does (tRPC): it runs in a task of its own,
/// one message at a time, in order. When messages pile up faster than it handles them,
/// the connection stops reading until it catches up.
final class AsyncConversation: Conversation {
    /// Pending messages at which reading pauses; it resumes below a quarter of that.
    static let highWater = 256

    private let messages: AsyncStream<InboundMessage>.Continuation
    private let pending: Pending
    private let channel: any Channel
    private let admission: TRPCSession.Admission

    init(session: TRPCSession, connection: LiveConnection, channel: any Channel) {
        admission = session.admission
        let (stream, continuation) = AsyncStream.makeStream(of: InboundMessage.self)
        let pending = Pending()
        messages = continuation
        self.pending = pending
        self.channel = channel
        Task { await AsyncConversation.run(session, messages: stream, connection: connection, pending: pending, channel: channel) }
    }

    private static func run(
        _ session: TRPCSession, messages: AsyncStream<InboundMessage>, connection: LiveConnection, pending: Pending, channel: any Channel
    ) async {
        var session = session
        for await message in messages {
            await session.handle(message, on: connection)
            if pending.done() == highWater / 4 {
                channel.setOption(.autoRead, value: true).whenFailure { _ in }
            }
        }
    }

    func receive(_ message: InboundMessage) {
        messages.yield(message)
        if pending.added() == Self.highWater {
            channel.setOption(.autoRead, value: false).whenFailure { _ in }
        }
    }

    func end() {
        messages.finish()
    }

    /// A tRPC client has no hello: it is identified once a user is admitted (at once
    /// without a secret; with one, by a valid token in the upgrade or its first message).
    var isIdentified: Bool { admission.isAdmitted }

    /// Messages handed to the task and not yet handled.
    fileprivate final class Pending: Sendable {
        private let count = Atomic<Int>(0)
        func added() -> Int { count.wrappingAdd(1, ordering: .relaxed).newValue }
        func done() -> Int { count.wrappingSubtract(1, ordering: .relaxed).newValue }
    }
}

/// The conformance-testing echo (`--conformance-echo-path`): every message comes back as
/// it came, so a conformance suite (Autobahn|Testsuite) can judge the frame handling that
/// every channel shares. Off unless asked for; no hello, no cart, no database.
final class EchoConversation: Conversation {
    /// Autobahn's largest case (9.1.6) is a 16 MiB message.
    static let maxMessageBytes = 16 * 1024 * 1024

    private let connection: LiveConnection

    init(connection: LiveConnection) {
        self.connection = connection
    }

    func receive(_ message: InboundMessage) {
        switch message {
        case .text(let text): connection.send(text)
        case .binary(let bytes): connection.send(binary: bytes)
        }
    }

    func end() {}

    var isIdentified: Bool { true }
}
