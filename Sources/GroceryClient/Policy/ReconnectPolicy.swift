/// When to try again after a connection fails or drops (DESIGN §3).
///
/// The delay before reconnect attempt k (k = 1, 2, …) is
/// `min(initial · multiplier^(k−1), max) · (1 + U(−jitter, +jitter))`: jitter is applied
/// after the cap, so a fleet of clients at the cap stays spread out.
public struct ReconnectPolicy: Sendable, Equatable {
    /// Delay before the first reconnect attempt.
    public var initialDelay: Duration = .milliseconds(1000)
    /// Largest delay before jitter.
    public var maxDelay: Duration = .milliseconds(30_000)
    /// Growth per attempt.
    public var multiplier = 1.5
    /// Relative jitter, 0…1 (0.25 = ±25 %).
    public var jitter = 0.25
    /// Reconnect attempts before giving up (the state becomes `failed`).
    public var maxAttempts = 10
    /// How long a connection must stay healthy before the attempt counter resets.
    public var stableAfter: Duration = .milliseconds(5000)

    /// The defaults: 1 s, ×1.5, 30 s cap, ±25 %, 10 attempts, stable after 5 s.
    public init() {}

    /// The delay before the nominal, un-jittered attempt `attempt` (1-based).
    public func baseDelay(attempt: Int) -> Duration {
        let initial = initialDelay.seconds
        let grown = initial * pow(multiplier, Double(max(attempt, 1) - 1))
        let capped = min(grown.isFinite ? grown : .infinity, maxDelay.seconds)
        return .seconds(capped)
    }

    /// The delay before attempt `attempt` (1-based), jittered with `random`.
    public func delay(attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let base = baseDelay(attempt: attempt).seconds
        guard jitter > 0 else { return .seconds(base) }
        let factor = 1 + Double.random(in: -jitter...jitter, using: &random)
        return .milliseconds(Int((base * factor * 1000).rounded()))
    }
}

import Foundation
import GroceryProtocol
