import Foundation
import Testing

@testable import GroceryProtocol

@Suite("NLPResult wire shape")
struct NLPResultCodingTests {
    static let milk = ProductSummary(id: "milk-whole-gallon", name: "Great Value Whole Milk", price: 3.48, size: "1 gal", category: "dairy")

    private func object(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("a summary with its JSON written in advance encodes, compares and hashes as before")
    func preparedSummary() {
        let odd = ProductSummary(id: "x\"1", name: "Crème \\ fraîche\n", price: 0.1, size: "8 oz", category: "dairy")
        for summary in [Self.milk, odd] {
            let prepared = summary.withEncodedJSON()
            #expect(prepared.encodedJSON != nil)
            #expect(prepared == summary)
            #expect(prepared.hashValue == summary.hashValue)
            let result = { (product: ProductSummary) in
                ServerMessage.nlpResult(id: "q", result: NLPResult(
                    text: "t", intent: .add, confidence: 1,
                    items: [NLPItem(phrase: "p", quantity: 1, unit: .each, product: product, alternatives: [product, product])])).encoded()
            }
            #expect(result(prepared) == result(summary))
        }
    }

    @Test("a result has DESIGN §5's fields and round-trips")
    func roundTrip() throws {
        let result = NLPResult(
            text: "add 2 gallons of milk", intent: .add, confidence: 0.94,
            items: [NLPItem(phrase: "milk", quantity: 2, unit: .gallon, product: Self.milk)],
            filters: NLPFilters(maxPrice: 5))
        let json = try object(result)
        #expect(Set(json.keys) == ["text", "intent", "confidence", "items", "filters"])
        #expect(json["intent"] as? String == "add")
        let item = try #require((json["items"] as? [[String: Any]])?.first)
        #expect(item["unit"] as? String == "gallon")
        #expect((item["product"] as? [String: Any])?["price"] as? Double == 3.48)
        #expect((json["filters"] as? [String: Any])?["maxPrice"] as? Double == 5)
        let decoded = try JSONDecoder().decode(NLPResult.self, from: JSONEncoder().encode(result))
        #expect(decoded == result)
    }

    @Test("an item without a match says product null, not nothing")
    func nullProduct() throws {
        let json = try object(NLPItem(phrase: "flibbert"))
        #expect(json.keys.contains("product"))
        #expect(json["product"] is NSNull)
        #expect(json["quantity"] as? Double == 1)
        #expect(json["unit"] as? String == "each")
    }

    @Test("an error is carried with its code, and omitted when there is none")
    func errorField() throws {
        let bad = NLPResult(
            text: "add 0 apples", intent: .add, confidence: 0.9,
            error: NLPProblem(code: .invalidQuantity, message: "quantity 0 …"))
        let json = try object(bad)
        #expect((json["error"] as? [String: Any])?["code"] as? String == "invalid_quantity")
        #expect(try object(NLPResult(text: "x", intent: .unknown, confidence: 0)).keys.contains("error") == false)
    }

    @Test("intents and units are exactly DESIGN §5's lists")
    func vocabularies() {
        #expect(Intent.allCases.map(\.rawValue) == ["add", "remove", "update", "search", "price", "cart", "clear", "checkout", "help", "unknown"])
        #expect(
            QuantityUnit.allCases.map(\.rawValue)
                == "each lb oz kg g gallon quart pint liter ml dozen pack bag box bottle can jar bunch loaf carton stick head"
                .split(separator: " ").map(String.init))
        #expect(Intent.allCases.filter(\.changesItems) == [.add, .remove, .update])
    }
}
