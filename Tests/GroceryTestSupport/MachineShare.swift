import Testing

/// How much of the machine a test takes, so that heavy tests (kill -9 loops, fault
/// injection, thousands of frames or parses, tmux) never run beside tests that time real
/// sockets and processes (deadlines, rate limits, shutdown windows). On a 2-core machine a
/// heavy test beside a timed one starves it past its deadlines; two timed ones side by
/// side are fine. Tests without either trait are light (pure, milliseconds) and run freely.
///
/// Put it on a suite (it applies to every test in it) or on one test. A test that
/// already holds a share (its suite's) runs without taking another.
///
/// It is also the test's watchdog: a test that runs longer than `limit` once it has its
/// share is recorded as failed and cancelled, so a hang fails instead of stalling the run.
/// (Swift Testing's `.timeLimit` would count the wait at the gate as well.)
public struct MachineShare: TestTrait, SuiteTrait, TestScoping {
    /// Units of ``MachineGate`` this test takes while it runs.
    let units: Int
    /// How long the test may run once it has its share.
    let limit: Duration

    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        if MachineGate.held {
            try await function()
            return
        }
        try await MachineGate.shared.acquire(units)
        do {
            try await MachineGate.$held.withValue(true) {
                // The group below ends before `run` returns, so `function` does not outlive this call.
                try await withoutActuallyEscaping(function) { try await Self.run($0, within: limit) }
            }
        } catch {
            await MachineGate.shared.release(units)
            throw error
        }
        await MachineGate.shared.release(units)
    }

    private static func run(_ function: @escaping @Sendable () async throws -> Void, within limit: Duration) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await function()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            if try await group.next() == false {
                Issue.record("still running after \(limit): cancelled (a wait without a deadline?)")
                group.cancelAll()
                _ = try? await group.next()  // the test's end, now that it is cancelled
                return
            }
            group.cancelAll()
        }
    }
}

extension Trait where Self == MachineShare {
    /// The whole machine: runs alone among the heavy and timed tests; fails after 10 minutes.
    public static var heavy: Self { MachineShare(units: MachineGate.capacity, limit: .seconds(600)) }
    /// One share: beside other timed tests, never beside a heavy one; fails after 3 minutes.
    public static var timed: Self { MachineShare(units: 1, limit: .seconds(180)) }
}

/// A counting gate, first come first served: a request waits while an earlier one waits,
/// so a heavy test is not starved by a stream of timed ones.
public actor MachineGate {
    /// Timed tests that may run at once.
    public static let capacity = 3
    static let shared = MachineGate()

    /// Set while the current task holds a share.
    @TaskLocal static var held = false

    private var free = capacity
    private var waiting: [(id: Int, units: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0

    func acquire(_ units: Int) async throws {
        if waiting.isEmpty, free >= units {
            free -= units
            return
        }
        nextID += 1
        let id = nextID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiting.append((id, units, continuation))
                grant()
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    func release(_ units: Int) {
        free += units
        grant()
    }

    private func grant() {
        while let first = waiting.first, free >= first.units {
            free -= first.units
            waiting.removeFirst()
            first.continuation.resume()
        }
    }

    private func cancel(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
        grant()
    }
}
