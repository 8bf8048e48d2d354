/// The time source of the client core: a point in time is a `Duration` since the
/// clock's origin, so states can store deadlines (`retryAt`) that a screen compares with
/// `now`, whatever concrete clock runs underneath (ContinuousClock in the program,
/// swift-clocks' TestClock in tests).
public protocol ClientClock: Sendable {
    /// Time since the clock's origin.
    var now: Duration { get }
    /// Suspends until `deadline` (time since origin); throws when cancelled.
    func sleep(until deadline: Duration) async throws
}

extension ClientClock {
    /// Suspends for `duration`.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }
}

/// Any `Clock` whose durations are `Duration`, seen from the moment it was wrapped.
public struct AnyClientClock<C: Clock>: ClientClock where C.Duration == Duration {
    private let clock: C
    private let origin: C.Instant

    /// Wraps `clock`; `now` starts at zero.
    public init(_ clock: C) {
        self.clock = clock
        origin = clock.now
    }

    /// Time since the clock was wrapped.
    public var now: Duration { origin.duration(to: clock.now) }

    /// Suspends until `deadline` after the origin.
    public func sleep(until deadline: Duration) async throws {
        try await clock.sleep(until: origin.advanced(by: deadline), tolerance: nil)
    }
}
