import GroceryClient  // SplitMix64
import Testing

@testable import GroceryNLP

/// `WordSet` answers exactly as `Set<String>` does; its filter only saves hashing.
@Suite("WordSet")
struct WordSetTests {
    static let alphabet: [String] = ["a", "b", "e", "z", "A", "0", "9", "_", "-", "é", "🍌", "日", "\u{0}", "\u{7F}", "@", "`"]

    static func randomWord(_ random: inout SplitMix64) -> String {
        let length = Int.random(in: 0...70, using: &random)  // past 63 bytes too
        return (0..<length).map { _ in alphabet.randomElement(using: &random)! }.joined()
    }

    @Test("membership equals Set's for random words, empty and long ones", arguments: [1, 2, 3] as [UInt64])
    func sameAsSet(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let words = (0..<200).map { _ in Self.randomWord(&random) }
        let set = Set(words)
        let wordSet = WordSet(words)
        for word in words { #expect(wordSet.contains(word), "\(word.debugDescription)") }
        for _ in 0..<5_000 {
            let probe = Self.randomWord(&random)
            #expect(wordSet.contains(probe) == set.contains(probe), "\(probe.debugDescription)")
        }
    }

    @Test("words sharing first byte bits and lengths with members are still told apart")
    func collidingFilters() {
        // "a" (0x61) and "!" (0x21) share their low six bits; same length.
        let set: WordSet = ["a", "milk"]
        #expect(set.contains("a") && set.contains("milk"))
        #expect(!set.contains("!") && !set.contains("mink") && !set.contains("") && !set.contains("milks"))
        #expect(!WordSet([String]()).contains(""))
    }
}
