import GroceryProtocol
import Synchronization

/// The seedable generator, shared with the NLP trainer.
public typealias SplitMix64 = GroceryProtocol.SplitMix64

/// A random source that several tasks may share (the channel's jitter).
public final class SharedRandom: Sendable {
    private let generator: Mutex<SplitMix64>

    /// Seeded, for tests and reproducible runs.
    public init(seed: UInt64) {
        generator = Mutex(SplitMix64(seed: seed))
    }

    /// Seeded from the system's random source.
    public convenience init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    /// Runs `body` with exclusive use of the generator.
    public func with<T>(_ body: (inout SplitMix64) -> T) -> T {
        generator.withLock { body(&$0) }
    }
}
