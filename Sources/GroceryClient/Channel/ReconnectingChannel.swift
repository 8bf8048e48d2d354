import Foundation
import GroceryProtocol

/// What a channel reports, in order.
public enum ChannelEvent: Sendable, Equatable {
    /// The state changed.
    case state(ConnectionState)
    /// A message from the server (after `welcome`; pongs are consumed by the heartbeat).
    case message(ServerMessage)
}

/// One endpoint's connection, kept alive (DESIGN §3): connects, says hello, waits for
/// welcome within the connect timeout, watches the connection with a heartbeat,
/// reconnects with backoff, gives up after `maxAttempts`, fails at once when retrying
/// cannot help, and retries at once when asked.
///
/// One driver task owns the connection, so at most one socket exists per channel
/// whatever the order of `start`, `retryNow`, drops and `close`.
public actor ReconnectingChannel {
    /// The channel's name ("walmart", "grocery").
    public nonisolated let name: String
    /// Every state change and server message, for one consumer.
    public nonisolated let events: AsyncStream<ChannelEvent>

    private let url: String
    private let hello: ClientMessage.Hello
    private let transport: any Transport
    private let clock: any ClientClock
    private let random: SharedRandom
    private let options: ChannelOptions
    private let eventSink: AsyncStream<ChannelEvent>.Continuation

    /// The current state.
    public private(set) var state: ConnectionState = .idle {
        didSet { if state != oldValue { eventSink.yield(.state(state)) } }
    }

    private var driver: Task<Void, Never>?
    private var connection: (any TransportConnection)?
    private var userClosed = false
    private var retryRequested = false
    private var wakeUp: (token: Int, continuation: CheckedContinuation<Void, Never>)?
    private var wakeToken = 0
    private var lastInbound: Duration = .zero
    private var serverMinimumDelay: Duration?
    private var heartbeatExpired = false
    /// Helper tasks alive now (sleepers, heartbeat); 0 once closed.
    var liveHelpers = 0

    /// Creates a channel; nothing happens until ``start()``.
    public init(
        name: String, url: String, hello: ClientMessage.Hello, transport: any Transport, clock: any ClientClock,
        random: SharedRandom, options: ChannelOptions
    ) {
        self.name = name
        self.url = url
        self.hello = hello
        self.transport = transport
        self.clock = clock
        self.random = random
        self.options = options
        (events, eventSink) = AsyncStream<ChannelEvent>.makeStream()
    }

    /// Starts connecting (once).
    public func start() {
        guard driver == nil, !userClosed else { return }
        driver = Task { await self.run() }
    }

    /// Connects now when waiting or failed, with the backoff sequence started afresh.
    /// While connecting or connected it does nothing: there is never a second socket.
    public func retryNow() {
        switch state {
        case .waiting, .failed:
            retryRequested = true
            wake(wakeUp?.token)
        case .idle:
            start()
        default:
            break
        }
    }

    /// Sends a message when connected; throws ``TransportError/closed`` otherwise.
    public func send(_ text: String) async throws(TransportError) {
        guard state.isConnected, let connection else { throw .closed }
        try await connection.send(text)
    }

    /// Ends the channel: closes the socket with 1000 and stops every task. Idempotent.
    public func close() async {
        userClosed = true
        retryRequested = false
        wake(wakeUp?.token)
        if let connection { await connection.close(code: 1000, reason: "closed by the user") }
        if let driver {
            driver.cancel()  // abandons a connect in progress
            await driver.value
        } else {
            state = .closed
        }
        eventSink.finish()
    }

    // MARK: - Driver

    private func run() async {
        var attempt = 0
        while !userClosed {
            state = .connecting(attempt: attempt)
            let failure: ChannelFailure
            switch await connectOnce() {
            case .failure(let reason):
                failure = reason
            case .success(let opened) where userClosed:
                await opened.close(code: 1000, reason: "closed by the user")
                failure = .fail("closed")
            case .success(let opened):
                connection = opened
                let since = clock.now
                state = .connected(since: since, rtt: nil)
                failure = await serve(opened)
                connection = nil
                if clock.now - since >= options.policy.stableAfter { attempt = 0 }
            }
            if userClosed { break }
            switch failure.action {
            case .fail:
                state = .failed(reason: failure.message, attempts: attempt)
                if await pause(until: nil) { attempt = 0 }
            case .retry(let minimum):
                attempt += 1
                guard attempt <= options.policy.maxAttempts else {
                    state = .failed(reason: "gave up after \(options.policy.maxAttempts) attempts: \(failure.message)", attempts: options.policy.maxAttempts)
                    if await pause(until: nil) { attempt = 0 }
                    continue
                }
                var delay = random.with { options.policy.delay(attempt: attempt, using: &$0) }
                if let floor = [minimum, serverMinimumDelay].compactMap({ $0 }).max(), delay < floor { delay = floor }
                serverMinimumDelay = nil
                let retryAt = clock.now + delay
                state = .waiting(attempt: attempt, retryAt: retryAt, lastError: failure.message)
                if await pause(until: retryAt) { attempt = 0 }
            }
        }
        state = .closed
    }

    /// TCP, handshake, hello and welcome, all within the connect timeout on our clock.
    private func connectOnce() async -> Result<any TransportConnection, ChannelFailure> {
        let (transport, url, hello, clock) = (self.transport, self.url, self.hello, self.clock)
        let deadline = clock.now + options.connectTimeout
        let timeout = options.connectTimeout
        helperStarted()
        defer { helperEnded() }
        return await withTaskGroup(of: Result<any TransportConnection, ChannelFailure>?.self) { group in
            group.addTask { await Self.open(transport: transport, url: url, hello: hello) }
            group.addTask {
                do { try await clock.sleep(until: deadline) } catch { return nil }
                return .failure(.retry("no welcome within \(timeout.wholeMilliseconds) ms (connect timeout)"))
            }
            guard let first = await group.next() ?? nil else { return .failure(.retry("cancelled")) }
            group.cancelAll()
            // Whatever the loser made is closed before the next attempt: one socket at most.
            while let other = await group.next() {
                if case .success(let late)? = other, case .failure = first { await late.close(code: 1000, reason: "timed out") }
            }
            return first
        }
    }

    private static func open(transport: any Transport, url: String, hello: ClientMessage.Hello) async -> Result<any TransportConnection, ChannelFailure> {
        let connection: any TransportConnection
        do {
            connection = try await transport.connect(to: url)
        } catch {
            switch error {
            case .refused(let status, let retryAfter): return .failure(.refused(status: status, retryAfter: retryAfter))
            case .permanent(let reason): return .failure(.fail(reason))
            default: return .failure(.retry(error.description))
            }
        }
        do {
            try await connection.send(ClientMessage.hello(hello).encoded())
        } catch {
            await connection.close(code: 1000, reason: "")
            return .failure(.retry("connection lost before hello"))
        }
        while !Task.isCancelled {
            switch await connection.receive() {
            case .text(let text):
                switch ServerMessage.decode(Data(text.utf8)) {
                case .welcome?:
                    return .success(connection)
                case .error(_, let code, let message)?:
                    await connection.close(code: 1000, reason: "")
                    return .failure(.fail("the server refused hello: \(code.rawValue): \(message)"))
                default:
                    continue
                }
            case .closed(let code, let reason):
                return .failure(.closed(code: code, reason: reason, minimum: nil))
            }
        }
        await connection.close(code: 1000, reason: "")
        return .failure(.retry("cancelled"))
    }

    /// Reads until the connection ends, with the heartbeat running beside.
    private func serve(_ connection: any TransportConnection) async -> ChannelFailure {
        lastInbound = clock.now
        heartbeatExpired = false
        helperStarted()
        let heartbeat = Task { await self.heartbeat(connection) }
        let failure = await read(connection)
        heartbeat.cancel()
        await heartbeat.value
        helperEnded()
        if heartbeatExpired {
            return .retry("no answer to a heartbeat within \(options.heartbeatTimeout.wholeMilliseconds) ms", minimum: failure.action == .fail ? nil : serverMinimumDelay)
        }
        return failure
    }

    private func read(_ connection: any TransportConnection) async -> ChannelFailure {
        while true {
            let event = await connection.receive()
            lastInbound = clock.now
            switch event {
            case .text(let text):
                guard let message = ServerMessage.decode(Data(text.utf8)) else { continue }
                switch message {
                case .pong(let ts):
                    let rtt = clock.now - .milliseconds(Int64(ts))
                    if case .connected(let since, _) = state { state = .connected(since: since, rtt: max(rtt, .zero)) }
                case .reconnect(let retryAfterMs):
                    serverMinimumDelay = .milliseconds(retryAfterMs)
                    eventSink.yield(.message(message))
                default:
                    eventSink.yield(.message(message))
                }
            case .closed(let code, let reason):
                return .closed(code: code, reason: reason, minimum: serverMinimumDelay)
            }
        }
    }

    /// Pings every interval; a connection with no frame for the timeout after a ping is closed.
    private func heartbeat(_ connection: any TransportConnection) async {
        let clock = self.clock
        while !Task.isCancelled {
            do { try await clock.sleep(for: options.heartbeatInterval) } catch { return }
            let sent = clock.now
            try? await connection.send(ClientMessage.ping(ts: Double(sent.wholeMilliseconds)).encoded())
            do { try await clock.sleep(for: options.heartbeatTimeout) } catch { return }
            if lastInbound < sent {
                heartbeatExpired = true
                await connection.terminate()
                return
            }
        }
    }

    /// Waits until `deadline` (forever when nil) or a manual retry or close; true for a retry.
    private func pause(until deadline: Duration?) async -> Bool {
        if userClosed { return false }
        if retryRequested {
            retryRequested = false
            return true
        }
        wakeToken += 1
        let token = wakeToken
        var sleeper: Task<Void, Never>?
        if let deadline {
            let clock = self.clock
            helperStarted()
            sleeper = Task {
                do { try await clock.sleep(until: deadline) } catch { return }
                self.wake(token)
            }
        }
        await withCheckedContinuation { continuation in
            wakeUp = (token, continuation)
        }
        if let sleeper {
            sleeper.cancel()
            await sleeper.value
            helperEnded()
        }
        let requested = retryRequested
        retryRequested = false
        return requested && !userClosed
    }

    private func wake(_ token: Int?) {
        guard let token, let waiting = wakeUp, waiting.token == token else { return }
        wakeUp = nil
        waiting.continuation.resume()
    }

    private func helperStarted() { liveHelpers += 1 }
    private func helperEnded() { liveHelpers -= 1 }
}
