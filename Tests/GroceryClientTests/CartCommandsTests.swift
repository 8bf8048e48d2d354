import GroceryProtocol
import Testing

@testable import GroceryClient

/// What cart message an understood item becomes (issue 14: counts of products sold by weight).
@Suite("Cart messages from NLP results")
struct CartCommandsTests {
    static let apples = ProductSummary(
        id: "apple-gala", name: "Gala Apples", price: 1.47, size: "per lb", category: "produce", unit: .lb, pieceWeight: 0.375)
    static let grapes = ProductSummary(id: "grapes-red-seedless", name: "Red Seedless Grapes", price: 2.48, size: "per lb", category: "produce", unit: .lb)
    static let milk = ProductSummary(id: "milk-whole-gallon", name: "Great Value Whole Milk", price: 3.48, size: "1 gal", category: "dairy")
    static let cabbage = ProductSummary(
        id: "cabbage-green", name: "Green Cabbage", price: 0.78, size: "per lb", category: "produce", unit: .lb, pieceWeight: 3, piece: .head)

    @Test(
        "counts of pieces as said, weights in pounds (as weights), a product's own piece word as pieces, packages rounded up",
        arguments: [
            (4, QuantityUnit.each, apples, 4, SaleUnit?.some(.each)),
            (1, .dozen, apples, 12, .each),
            (2, .head, cabbage, 2, .each),
            (2, .lb, apples, 2, .lb),
            (8, .oz, apples, 0.5, .lb),
            (1, .kg, apples, 2.2, .lb),
            (2, .each, grapes, 2, .each),  // sold by weight only: sent as pieces, for the server to refuse
            (2.5, .each, apples, 2.5, .each),  // half an apple is refused, not rounded up and charged
            (2, .gallon, milk, 2, nil),
            (1.5, .each, milk, 2, nil),
        ] as [(Double, QuantityUnit, ProductSummary, Double, SaleUnit?)])
    func quantities(_ said: Double, _ unit: QuantityUnit, _ product: ProductSummary, _ quantity: Double, _ cartUnit: SaleUnit?) {
        let result = NLPResult(text: "", intent: .add, confidence: 1, items: [NLPItem(phrase: "x", quantity: said, unit: unit, product: product)])
        let command = CartCommands.derive(queryID: "q", result: result).commands.first
        #expect(command == CartCommand(id: "q:0", action: .add, productId: product.id, quantity: quantity, unit: cartUnit))
    }

    @Test("'remove the apples' takes the whole line; 'take 1 of the apples out' and 'remove 2 apples' take pieces")
    func removes() {
        func remove(_ quantity: Double, said: Bool) -> CartCommand? {
            let item = NLPItem(phrase: "apples", quantity: quantity, quantitySaid: said, unit: .each, product: Self.apples)
            return CartCommands.derive(queryID: "q", result: NLPResult(text: "", intent: .remove, confidence: 1, items: [item])).commands.first
        }
        #expect(remove(1, said: false) == CartCommand(id: "q:0", action: .remove, productId: "apple-gala"))
        #expect(remove(1, said: true) == CartCommand(id: "q:0", action: .remove, productId: "apple-gala", quantity: 1, unit: .each))
        // A result from a server that does not say whether it was said: 2 was.
        #expect(remove(2, said: false) == CartCommand(id: "q:0", action: .remove, productId: "apple-gala", quantity: 2, unit: .each))
    }

    /// Issue 32: a weight said was sent without its unit, so the server read it in the
    /// line's measure: "remove 1 lb of gala apples" from 4 apples took one apple.
    @Test("a weight said on a remove or an update is sent as a weight, whatever the line holds")
    func weightsStayWeights() {
        for intent in [Intent.remove, .update] {
            let item = NLPItem(phrase: "gala apples", quantity: 0.5, quantitySaid: true, unit: .lb, product: Self.apples)
            let command = CartCommands.derive(queryID: "q", result: NLPResult(text: "", intent: intent, confidence: 1, items: [item])).commands.first
            #expect(command?.quantity == 0.5 && command?.unit == .lb, "\(intent)")
        }
    }

    /// Issue 32: "a bunch of bananas" bought one loose banana.
    @Test("a package word on a product sold by the pound that is not its piece is refused with a reason, not bought as pieces")
    func packageOfLoosePieces() {
        for unit in [QuantityUnit.bag, .bunch, .pint, .box] {
            let item = NLPItem(phrase: "gala apples", quantity: 2, quantitySaid: true, unit: unit, product: Self.apples)
            let (commands, skipped) = CartCommands.derive(queryID: "q", result: NLPResult(text: "", intent: .add, confidence: 1, items: [item]))
            #expect(commands.isEmpty)
            #expect(skipped.first?.error.code == "wrong_measure")
            #expect(skipped.first?.error.message.contains("not by the \(unit.rawValue)") == true)
        }
    }
}
