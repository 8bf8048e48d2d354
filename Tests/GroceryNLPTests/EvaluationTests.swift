import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryNLP

/// Scores of whole fixture sets (docs/NLP.md, "Evaluation"): the tuning set the parser
/// was improved against, and the held-out set, written from other sources before any
/// tuning and never tuned on. A line counts when intent, items (product among those
/// accepted, quantity, unit) and price limit are all right.
@Suite("Understanding: evaluation sets", .heavy)
struct EvaluationTests {
    static func load(_ name: String) -> [Phrasing] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "jsonl", subdirectory: "Fixtures"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Phrasing.self, from: Data($0.utf8)) }
    }

    static func isRight(_ want: Phrasing, _ got: NLPResult) -> Bool {
        guard got.intent == want.intent else { return false }
        if let maxPrice = want.maxPrice, got.filters.maxPrice != maxPrice { return false }
        guard let items = want.items else { return true }
        guard items.count == got.items.count else { return false }
        for (expected, item) in zip(items, got.items) {
            if case .some(.some(let ids)) = expected.products, !ids.contains(item.product?.id ?? "none") { return false }
            if case .some(.none) = expected.products, item.product != nil { return false }
            if let quantity = expected.quantity, item.quantity != quantity { return false }
            if let unit = expected.unit, item.unit != unit { return false }
        }
        return true
    }

    static func score(_ set: [Phrasing]) -> Double {
        Double(set.filter { isRight($0, NLPParser.shared.parse($0.text)) }.count) / Double(max(set.count, 1))
    }

    /// A set, its size, and the floor it must keep.
    struct Floor: Sendable, CustomTestStringConvertible {
        var name: String
        var lines: Int
        var atLeast: Double
        var testDescription: String { "\(name) (\(lines) lines) ≥ \((atLeast * 1000).rounded() / 10) %" }
    }

    /// The tuning sets (tuning4 to tuning9 were tuned on in one pass each; their floors
    /// are where that pass ended), and the held-out set, whose floor guards against
    /// regressions at the score measured when it was set — the target is 95 % (issue 14),
    /// not reached yet.
    static let floors = [
        Floor(name: "tuning", lines: 90, atLeast: 0.95),
        Floor(name: "tuning2", lines: 160, atLeast: 0.95),
        Floor(name: "tuning3", lines: 200, atLeast: 0.95),
        Floor(name: "tuning4", lines: 180, atLeast: 0.95),
        Floor(name: "tuning5", lines: 160, atLeast: 0.88),
        Floor(name: "tuning6", lines: 200, atLeast: 0.84),
        Floor(name: "tuning7", lines: 200, atLeast: 0.88),
        Floor(name: "tuning8", lines: 200, atLeast: 0.85),
        Floor(name: "tuning9", lines: 200, atLeast: 0.71),
        Floor(name: "heldout", lines: 200, atLeast: 0.945),
    ]

    @Test("each set keeps its floor", arguments: floors)
    func keepsItsFloor(_ floor: Floor) {
        let set = Self.load(floor.name)
        #expect(set.count == floor.lines)
        #expect(Self.score(set) >= floor.atLeast, "\(Self.score(set))")
    }
}
