import Foundation
import GroceryProtocol
import Testing

@testable import GroceryNLP

/// Scores of whole fixture sets (docs/NLP.md, "Evaluation"): the tuning set the parser
/// was improved against, and the held-out set, written from other sources before any
/// tuning and never tuned on. A line counts when intent, items (product among those
/// accepted, quantity, unit) and price limit are all right.
@Suite("Understanding: evaluation sets")
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

    @Test("the tuning set (90 lines) scores at least 95 %")
    func tuning() {
        let set = Self.load("tuning")
        #expect(set.count == 90)
        #expect(Self.score(set) >= 0.95, "\(Self.score(set))")
    }

    @Test("the second tuning set (160 lines, another author) scores at least 95 %")
    func tuning2() {
        let set = Self.load("tuning2")
        #expect(set.count == 160)
        #expect(Self.score(set) >= 0.95, "\(Self.score(set))")
    }

    @Test("the third tuning set (200 lines, another author) scores at least 95 %")
    func tuning3() {
        let set = Self.load("tuning3")
        #expect(set.count == 200)
        #expect(Self.score(set) >= 0.95, "\(Self.score(set))")
    }

    /// Written last, tuned on in one pass; its floor is where that pass ended.
    @Test("the fourth tuning set (180 lines, another author) scores at least 94 %")
    func tuning4() {
        let set = Self.load("tuning4")
        #expect(set.count == 180)
        #expect(Self.score(set) >= 0.94, "\(Self.score(set))")
    }

    /// Three voices (terse, dictated, second-language); tuned on in one pass, its floor is
    /// where that pass ended.
    @Test("the fifth tuning set (160 lines, three voices) scores at least 86 %")
    func tuning5() {
        let set = Self.load("tuning5")
        #expect(set.count == 160)
        #expect(Self.score(set) >= 0.86, "\(Self.score(set))")
    }

    /// A floor against regressions, at the score measured when it was set; the target is
    /// 95 % (issue 14), not reached yet.
    @Test("the held-out set (200 lines) scores at least 93 %")
    func heldOut() {
        let set = Self.load("heldout")
        #expect(set.count == 200)
        #expect(Self.score(set) >= 0.93, "\(Self.score(set))")
    }
}
