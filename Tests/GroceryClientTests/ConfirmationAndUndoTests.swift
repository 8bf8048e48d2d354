import GroceryClient
import GroceryProtocol
import Testing

/// Which results wait for the shopper, and what takes a change back (pure).
@Suite("confirmation and undo", .timeLimit(.minutes(1)))
struct ConfirmationAndUndoTests {
    static let milk = ProductSummary(id: "milk", name: "Milk", price: 3.48, size: "1 gal", category: "dairy")

    static func result(_ intent: Intent, confidence: Double, error: NLPProblem? = nil) -> NLPResult {
        NLPResult(
            text: "…", intent: intent, confidence: confidence, items: [NLPItem(phrase: "milk", quantity: 1, unit: .each, product: milk)],
            error: error)
    }

    @Test("below the threshold a change waits; a question never does; an error never does")
    func holds() {
        let tui = Confirmation(always: [.clear, .checkout])
        let pipe = Confirmation()
        let applyAll = Confirmation(below: nil)
        let threshold = NLPResult.confirmationThreshold
        #expect(pipe.holds(Self.result(.remove, confidence: threshold - 0.01)))
        #expect(!pipe.holds(Self.result(.remove, confidence: threshold)))
        #expect(!applyAll.holds(Self.result(.remove, confidence: 0.1)))
        #expect(!pipe.holds(Self.result(.search, confidence: 0.1)))
        #expect(!pipe.holds(Self.result(.add, confidence: 0.1, error: NLPProblem(code: .invalidQuantity, message: "no"))))
        #expect(tui.holds(Self.result(.clear, confidence: 0.99)))
        #expect(tui.holds(Self.result(.checkout, confidence: 0.99)))
        #expect(!pipe.holds(Self.result(.checkout, confidence: 0.99)))
    }

    static let cart = CartSnapshot(
        version: 4,
        items: [
            .init(productId: "milk", name: "Milk", quantity: 3, unit: .each, unitPrice: 3.48, lineTotal: 10.44),
            .init(productId: "bananas", name: "Bananas", quantity: 1.5, unit: .lb, unitPrice: 0.58, lineTotal: 0.87),
        ],
        total: 11.31)

    @Test("each change has its inverse, from the cart before it")
    func inverses() {
        func undo(_ commands: [CartCommand]) -> [CartChange] { Undo.inverse(of: commands, before: Self.cart) }
        #expect(undo([CartCommand(id: "a", action: .add, productId: "eggs", quantity: 2)]) == [CartChange(action: .remove, productId: "eggs", quantity: 2)])
        #expect(undo([CartCommand(id: "r", action: .remove, productId: "milk")]) == [CartChange(action: .add, productId: "milk", quantity: 3, unit: .each)])
        #expect(undo([CartCommand(id: "r", action: .remove, productId: "milk", quantity: 5)]) == [CartChange(action: .add, productId: "milk", quantity: 3, unit: .each)])
        #expect(undo([CartCommand(id: "r", action: .remove, productId: "eggs")]) == [])
        #expect(undo([CartCommand(id: "u", action: .update, productId: "bananas", quantity: 3)]) == [CartChange(action: .update, productId: "bananas", quantity: 1.5, unit: .lb)])
        #expect(undo([CartCommand(id: "u", action: .update, productId: "eggs", quantity: 3)]) == [CartChange(action: .remove, productId: "eggs")])
        #expect(
            undo([CartCommand(id: "c", action: .clear)]) == [
                CartChange(action: .add, productId: "milk", quantity: 3, unit: .each), CartChange(action: .add, productId: "bananas", quantity: 1.5, unit: .lb),
            ])
        #expect(undo([CartCommand(id: "k", action: .checkout)]) == [])
        // A swap (remove one, add another) is undone last step first.
        #expect(
            undo([CartCommand(id: "s0", action: .remove, productId: "milk", quantity: 1), CartCommand(id: "s1", action: .add, productId: "oat-milk", quantity: 1)]) == [
                CartChange(action: .remove, productId: "oat-milk", quantity: 1), CartChange(action: .add, productId: "milk", quantity: 1, unit: .each),
            ])
    }
}
