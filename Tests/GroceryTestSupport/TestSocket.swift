import Foundation
import GroceryProtocol
import HTTPTypes
import Logging
import NIOWebSocket
import Synchronization
import WSClient

/// Frames received and not yet read, with at most one reader waiting.
public final class FrameQueue: Sendable {
    private struct State {
        var buffer: [String] = []
        var finished = false
        var waiter: (id: Int, continuation: CheckedContinuation<String??, Never>)?
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func push(_ text: String) {
        state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.continuation.resume(returning: .some(text))
            } else {
                state.buffer.append(text)
            }
        }
    }

    public func finish() {
        state.withLock { state in
            state.finished = true
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.continuation.resume(returning: .some(nil))
            }
        }
    }

    /// `.some(text)`: a frame; `.some(nil)`: the connection ended; `nil`: timed out.
    public func next(timeout: Duration) async -> String?? {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return await withCheckedContinuation { continuation in
            state.withLock { state in
                if !state.buffer.isEmpty {
                    continuation.resume(returning: .some(state.buffer.removeFirst()))
                } else if state.finished {
                    continuation.resume(returning: .some(nil))
                } else {
                    state.waiter = (id, continuation)
                }
            }
            Task { [state = self] in
                try? await Task.sleep(for: timeout)
                state.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        state.withLock { state in
            if let waiter = state.waiter, waiter.id == id {
                state.waiter = nil
                waiter.continuation.resume(returning: nil)
            }
        }
    }
}

/// A real WebSocket client (swift-websocket) driven step by step: send, then await
/// the next frame with a deadline, then see how the server closed.
public final class TestSocket: Sendable {
    private let outbound: AsyncStream<String>.Continuation
    private let frames: FrameQueue
    private let task: Task<WebSocketCloseFrame?, any Error>

    private init(outbound: AsyncStream<String>.Continuation, frames: FrameQueue, task: Task<WebSocketCloseFrame?, any Error>) {
        self.outbound = outbound
        self.frames = frames
        self.task = task
    }

    public static func connect(_ url: String, headers: HTTPFields = [:], maxFrameSize: Int = 1 << 20) async throws -> TestSocket {
        let (toServer, toServerContinuation) = AsyncStream<String>.makeStream()
        let frames = FrameQueue()
        let (opened, openedContinuation) = AsyncStream<Void>.makeStream()
        var logger = Logger(label: "test.client")
        logger.logLevel = .critical
        let task = Task {
            defer {
                frames.finish()
                openedContinuation.finish()
            }
            return try await WebSocketClient.connect(
                url: url, configuration: .init(maxFrameSize: maxFrameSize, additionalHeaders: headers), logger: logger
            ) { inbound, outbound, _ in
                openedContinuation.yield()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in toServer { try await outbound.write(.text(text)) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        if case .text(let text) = message { frames.push(text) }
                    }
                    group.cancelAll()
                }
            }
        }
        // A watchdog: a server that accepts and never answers the upgrade fails the test.
        let outcome = try await withDeadline(.seconds(30), {
            var iterator = opened.makeAsyncIterator()
            return await iterator.next() != nil
        }, onTimeout: { openedContinuation.finish() })
        guard let outcome else {
            task.cancel()
            throw TestFailure("connection to \(url) did not open within 30 s")
        }
        if !outcome {
            _ = try await task.value  // throws the upgrade failure
            throw TestFailure("connection to \(url) ended before it opened")
        }
        return TestSocket(outbound: toServerContinuation, frames: frames, task: task)
    }

    public func send(_ text: String) { outbound.yield(text) }
    public func send(_ message: ClientMessage) { outbound.yield(message.encoded()) }

    /// The next text frame, or nil when the connection ended; fails after `timeout` (a
    /// watchdog for a loaded machine, not an expectation of speed).
    public func next(timeout: Duration = .seconds(20)) async throws -> String? {
        guard let frame = await frames.next(timeout: timeout) else { throw TestFailure("no frame within \(timeout)") }
        return frame
    }

    /// The next frame decoded as a server message.
    public func nextMessage(timeout: Duration = .seconds(20)) async throws -> ServerMessage? {
        guard let text = try await next(timeout: timeout) else { return nil }
        guard let message = ServerMessage.decode(Data(text.utf8)) else { throw TestFailure("not a server message: \(text)") }
        return message
    }

    /// Closes from the client side (1000) and returns how the server answered; fails when
    /// the closing handshake has not ended within 30 s.
    @discardableResult
    public func close() async throws -> WebSocketCloseFrame? {
        outbound.finish()
        let task = self.task
        guard let frame = try await withDeadline(.seconds(30), { try await task.value }, onTimeout: { task.cancel() }) else {
            throw TestFailure("the closing handshake did not end within 30 s")
        }
        return frame
    }

    /// Waits for the server to close; returns its close frame. Fails (closing from this
    /// side) when the server has not closed within `timeout`, so a test never hangs.
    public func closed(timeout: Duration = .seconds(10)) async throws -> WebSocketCloseFrame? {
        let (task, outbound) = (self.task, self.outbound)
        // Finishing the outbound stream closes from this side, which ends the task.
        guard let frame = try await withDeadline(timeout, { try await task.value }, onTimeout: { outbound.finish() }) else {
            throw TestFailure("the server did not close within \(timeout)")
        }
        return frame
    }
}

/// A test-side failure with a message.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
