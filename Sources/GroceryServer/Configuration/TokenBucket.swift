import GroceryProtocol

/// A token bucket: `rate` tokens a second up to `burst`; each event takes one.
struct TokenBucket: Sendable {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    init(rate: Double, burst: Double, now: ContinuousClock.Instant) {
        self.rate = rate
        self.burst = max(burst, 1)
        self.tokens = max(burst, 1)
        self.updated = now
    }

    /// Takes a token if there is one; otherwise says how long until there will be.
    mutating func take(now: ContinuousClock.Instant) -> Duration? {
        guard rate > 0 else { return nil }  // unlimited
        tokens = min(burst, tokens + (now - updated).seconds * rate)
        updated = now
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return .milliseconds(Int(((1 - tokens) / rate * 1000).rounded(.up)))
    }
}
