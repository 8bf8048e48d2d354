import Foundation
import GroceryProtocol
import Testing

@testable import GroceryNLP

/// One line of `Fixtures/phrasings.jsonl`: a query and what a careful reader takes from it.
struct Phrasing: Decodable, Sendable, CustomTestStringConvertible {
    struct Item: Decodable, Sendable {
        /// Acceptable best matches; an explicit null means "no product should match".
        var products: [String]??
        var quantity: Double?
        var unit: QuantityUnit?

        enum CodingKeys: String, CodingKey { case products, quantity, unit }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            products = container.contains(.products) ? .some(try container.decodeIfPresent([String].self, forKey: .products)) : .none
            quantity = try container.decodeIfPresent(Double.self, forKey: .quantity)
            unit = try container.decodeIfPresent(QuantityUnit.self, forKey: .unit)
        }
    }

    var text: String
    var intent: Intent
    var items: [Item]?
    var itemCount: Int?
    var maxPrice: Double?
    var error: NLPProblem.Code?
    var note: String?

    var testDescription: String { "\(text.debugDescription) → \(intent.rawValue)" }

    static let all: [Phrasing] = {
        guard let url = Bundle.module.url(forResource: "phrasings", withExtension: "jsonl", subdirectory: "Fixtures"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Phrasing.self, from: Data($0.utf8)) }
    }()
}

@Suite("Understanding: table of real phrasings")
struct PhrasingTests {
    static let parser = NLPParser.shared

    @Test("the table is loaded whole and covers every intent")
    func tableIsComplete() throws {
        let url = try #require(Bundle.module.url(forResource: "phrasings", withExtension: "jsonl", subdirectory: "Fixtures"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
        #expect(Phrasing.all.count == lines, "a fixture line did not decode")
        #expect(Phrasing.all.count >= 150)
        for intent in Intent.allCases {
            #expect(Phrasing.all.filter { $0.intent == intent }.count >= 8, "\(intent)")
        }
    }

    @Test("each phrasing parses as expected", arguments: Phrasing.all)
    func phrasing(_ case: Phrasing) throws {
        let result = Self.parser.parse(`case`.text)
        #expect(result.intent == `case`.intent)
        #expect(result.error?.code == `case`.error)
        if let maxPrice = `case`.maxPrice { #expect(result.filters.maxPrice == maxPrice) }
        if let count = `case`.itemCount { #expect(result.items.count == count) }
        guard let expected = `case`.items else { return }
        try #require(result.items.count == expected.count, "items: \(result.items.map(\.phrase))")
        for (want, got) in zip(expected, result.items) {
            switch want.products {
            case .none: break
            case .some(.none): #expect(got.product == nil, "\(got.phrase) matched \(got.product?.id ?? "")")
            case .some(.some(let ids)): #expect(ids.contains(got.product?.id ?? "none"), "\(got.phrase) → \(got.product?.id ?? "none")")
            }
            if let quantity = want.quantity { #expect(got.quantity == quantity, "\(got.phrase)") }
            if let unit = want.unit { #expect(got.unit == unit, "\(got.phrase)") }
        }
    }
}
