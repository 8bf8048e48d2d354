import Foundation
import GroceryClient  // SplitMix64: seeded, so every failing input can be reproduced
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryNLP

@Suite("Properties: random and adversarial input", .heavy)
struct PropertyTests {
    static let parser = NLPParser.shared

    /// Scalar ranges a hostile or careless user can produce.
    static let ranges: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0x00...0x1F, 0x7F...0x9F, 0xA0...0x24F, 0x300...0x36F, 0x590...0x6FF, 0x3040...0x30FF,
        0x4E00...0x4FFF, 0x1F300...0x1FAFF, 0x200B...0x200F, 0x2028...0x202E, 0xFE00...0xFE0F, 0xFFF0...0xFFFD,
        0xBC...0xBE, 0x2150...0x215E,
    ]

    static let grammarWords = [
        "add", "remove", "change", "to", "make", "it", "how", "much", "is", "do", "you", "have", "not", "no", "longer",
        "needed", "dont", "need", "clear", "cart", "checkout", "help", "and", ",", "with", "of", "a", "an", "half", "dozen",
        "x", "x2", "2x", "1/2", "0", "-1", "1e309", "999", "1000", "$5", "under", "$", "lb", "lbs", "gallons", "oz", "can",
        "bag", "milk", "eggs", "half and half", "2%", "organic", "strawbery", "🍌", "crème", "日本", "?", "!!!", "'", "\"",
        "\u{0}", "\n", "\t", "please", "instead", "of", "more", "than", "twenty", "five", "million", "½", "…",
        // The clause layer's words: corrections, exclusions, superlatives and scopes, sizes,
        // afterthoughts, shorthand.
        "no wait", "make that", "actually", "sorry", "i mean", "but not", "except", "anything", "cheapest", "most expensive",
        "cheapst", "which", "one", "ones", "kind", "in the", "bakery", "whole store", "aisle", "the", "18", "count", "size",
        "12-pack", "93/7", "percent", "but keep", "one less", "one more", "however", "take", "off", "out", "for", "we", "lol",
        "nothing over", "a dollar", "per", "pound", "blk", "um", "put me down for", "total it up", "the kids", "tub", ".",
        "whats", "you got", "apples", "gala", "4", "then", "just", "only", "a couple", "and a half", "n", "12pk",
    ]

    private func randomScalars(_ rng: inout SplitMix64) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...60, using: &rng) {
            let range = Self.ranges.randomElement(using: &rng)!
            if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    private func randomSentence(_ rng: inout SplitMix64) -> String {
        (0..<Int.random(in: 0...14, using: &rng)).map { _ in Self.grammarWords.randomElement(using: &rng)! }
            .joined(separator: Bool.random(using: &rng) ? " " : "")
    }

    /// What must hold for every input, whatever it is.
    private func checkInvariants(_ text: String, seed: UInt64) throws {
        let result = Self.parser.parse(text)
        let context = Comment(rawValue: "seed \(seed): \(text.debugDescription)")
        if text.count <= NLPResult.maxTextLength { #expect(result.text == text, context) }
        #expect((0...1).contains(result.confidence), context)
        if !(result.intent.changesItems || result.intent == .search || result.intent == .price) {
            #expect(result.items.isEmpty, context)
        }
        if result.error == nil {
            #expect(result.items.allSatisfy { $0.quantity > 0 && $0.quantity <= NLPResult.maxQuantity }, context)
        }
        #expect(result.items.allSatisfy { $0.quantity.isFinite }, context)
        let data = try JSONEncoder().encode(result)
        #expect((try? JSONSerialization.jsonObject(with: data)) != nil, context)
        #expect(try JSONDecoder().decode(NLPResult.self, from: data) == result, context)
    }

    @Test("random Unicode never crashes the parser and always encodes to valid JSON", arguments: [1, 2, 3] as [UInt64])
    func randomUnicode(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        for round in 0..<1500 {
            try checkInvariants(randomScalars(&rng), seed: seed)
            if round % 50 == 49 { await Task.yield() }
        }
    }

    @Test("random grammar-word soup never crashes and keeps every invariant", arguments: [11, 12, 13, 14, 15, 16] as [UInt64])
    func grammarSoup(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        for round in 0..<3000 {
            try checkInvariants(randomSentence(&rng), seed: seed)
            if round % 50 == 49 { await Task.yield() }
        }
    }

    @Test("hand-picked adversarial strings")
    func adversarial() throws {
        let cases = [
            String(repeating: "a", count: 100_000), String(repeating: "🍌", count: 2_000), String(repeating: ",", count: 999),
            String(repeating: "and ", count: 249), "add " + String(repeating: "9", count: 400) + " apples",
            "add 1e309 apples", "add 1/0 apples", "add 0/0 apples", "add --1 apple", "x" + String(repeating: "9", count: 300),
            "\u{202E}klim dda", "a\u{0301}\u{0301}\u{0301}dd milk", "add\u{200B}milk", "\u{FEFF}add milk",
            String(repeating: "half a ", count: 100) + "gallon", "under $ under $ under", "$99999999999999999999999999",
            "make it", "change to", "to to to 3", "instead of", "x x x 2 2 2", "1/2/3 lb ham", "1..2 lb", ".5 lb ham",
        ]
        for text in cases { try checkInvariants(text, seed: 0) }
    }
}

extension NLPParser {
    /// One parser for the whole test run: indexing the catalog is the slow part.
    static let shared = NLPParser()
}
