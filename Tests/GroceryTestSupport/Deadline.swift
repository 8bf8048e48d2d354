import Synchronization

/// Runs `operation` with a watchdog. It is for waits on real sockets and processes,
/// where a test clock cannot help. If `operation` has not finished within `limit`,
/// `onTimeout` runs and must make it end, for example by closing its connection. The
/// result is then nil. A test that passes is never delayed: the watchdog is cancelled as
/// soon as `operation` returns.
public func withDeadline<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T, onTimeout: @escaping @Sendable () async -> Void
) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)  // cancelled when the operation wins
            return nil
        }
        let first = try await group.next() ?? nil
        if first == nil { await onTimeout() }
        group.cancelAll()
        return first  // the group still waits for the operation to end, which onTimeout ensured
    }
}

/// Waits (real time, bounded) until `condition` holds, checking every few milliseconds;
/// throws when it has not within `limit`. For state only a real socket, file or process
/// can change, where a test clock cannot help. The sleep yields the test's thread.
public func eventually(_ what: String, within limit: Duration = .seconds(30), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else { throw TestFailure("\(what) did not happen within \(limit)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Whether `operation` ended within `limit`. Unlike ``withDeadline(_:_:onTimeout:)`` it
/// does not wait for an operation that cannot be made to end (one stuck on a peer that a
/// broken behaviour left open): that one is left running, and the caller fails the test.
public func finishes(within limit: Duration, _ operation: @escaping @Sendable () async -> Void) async -> Bool {
    let outcome = Mutex<CheckedContinuation<Bool, Never>?>(nil)
    let resume: @Sendable (Bool) -> Void = { ended in outcome.withLock { $0.take() }?.resume(returning: ended) }
    return await withCheckedContinuation { continuation in
        outcome.withLock { $0 = continuation }
        let work = Task {
            await operation()
            resume(true)
        }
        Task {
            try? await Task.sleep(for: limit)
            work.cancel()
            resume(false)
        }
    }
}
