import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryNLP

/// The per-line ratchet (docs/NLP.md, "Evaluation"): every fixture line that passes is
/// listed in `Ratchet/passing.txt`, and a listed line may not start failing unless the
/// change takes it off the list (`GROCERY_RECORD_GOLDEN=1` rewrites the list, and fails
/// that run, so the diff shows each line gained or given up). A line counts when intent,
/// items (product among those accepted, quantity, unit) and price limit are all right.
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

    /// `set:line` (1-based) of every passing line, one a row, sets in training order.
    static func passing() -> String {
        var rows = ""
        for set in IntentTrainer.trainingSets {
            for (number, line) in load(set).enumerated() where isRight(line, NLPParser.shared.parse(line.text)) {
                rows += "\(set):\(number + 1)\n"
            }
        }
        return rows
    }

    @Test("no fixture line that passed starts failing unless the ratchet lists it")
    func ratchet() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Ratchet")
        let actual = Self.passing()
        let listed = (try? String(contentsOf: folder.appendingPathComponent("passing.txt"), encoding: .utf8)) ?? ""
        let now = Set(actual.split(separator: "\n"))
        let lost = listed.split(separator: "\n").filter { !now.contains($0) }
        #expect(lost.isEmpty, "lines that passed and now fail: \(lost.joined(separator: ", "))")
        try Golden.check(actual, "passing.txt", in: folder)
    }

    @Test("every set decodes whole")
    func setsDecode() throws {
        for set in IntentTrainer.trainingSets {
            let url = try #require(Bundle.module.url(forResource: set, withExtension: "jsonl", subdirectory: "Fixtures"))
            let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
            #expect(Self.load(set).count == rows, "\(set): a line did not decode")
        }
    }
}
