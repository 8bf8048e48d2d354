import Testing

@testable import GroceryClient

@Suite("Reconnect policy")
struct ReconnectPolicyTests {
    @Test("without jitter: 1000, 1500, 2250, 3375 … ms, capped at 30000")
    func exactSequence() {
        var policy = ReconnectPolicy()
        policy.jitter = 0
        var random = SplitMix64(seed: 7)
        let delays = (1...12).map { policy.delay(attempt: $0, using: &random).wholeMilliseconds }
        #expect(delays == [1000, 1500, 2250, 3375, 5062, 7593, 11390, 17085, 25628, 30000, 30000, 30000])
    }

    @Test("the same seed gives the same jittered sequence; another seed another")
    func seeded() {
        let policy = ReconnectPolicy()
        func sequence(_ seed: UInt64) -> [Int] {
            var random = SplitMix64(seed: seed)
            return (1...10).map { policy.delay(attempt: $0, using: &random).wholeMilliseconds }
        }
        #expect(sequence(42) == sequence(42))
        #expect(sequence(42) != sequence(43))
        #expect(sequence(42) == [1121, 1245, 2001, 3112, 3893, 8992, 9787, 19654, 23578, 31777])
    }

    @Test("jitter stays within ±25 % below the cap and at the cap, and uses the whole range", arguments: [1, 4, 10, 30])
    func jitterBounds(attempt: Int) {
        let policy = ReconnectPolicy()
        let base = policy.baseDelay(attempt: attempt).seconds
        var random = SplitMix64(seed: UInt64(attempt))
        let samples = (0..<2000).map { _ in policy.delay(attempt: attempt, using: &random).seconds / base }
        #expect(samples.allSatisfy { $0 >= 0.749 && $0 <= 1.251 })
        #expect(samples.min()! < 0.76 && samples.max()! > 1.24)
        if attempt >= 10 { #expect(base == 30) }
    }
}
