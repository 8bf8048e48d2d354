import Foundation
import GroceryClient
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryTUI

/// DESIGN §7, "Confirm and undo": a held result is a question; Enter confirms it, Esc (or
/// a new line) leaves the cart alone; one key undoes the last change.
@Suite("update: confirm and undo")
struct ConfirmUndoTests {
    static let yogurt = ProductSummary(id: "yogurt-greek", name: "Greek Yogurt", price: 1.38, size: "5.3 oz", category: "dairy")

    /// The sample model with a Greek Yogurt line, and a low-confidence removal of it held.
    static func asked() -> Model {
        var model = sampleModel()
        model.cart?.items.append(.init(productId: yogurt.id, name: yogurt.name, quantity: 2, unit: .each, unitPrice: 1.38, lineTotal: 2.76))
        let result = NLPResult(
            text: "forget the yogurt, get it out of there", intent: .remove, confidence: 0.63,
            items: [NLPItem(phrase: "yogurt", quantity: 1, quantitySaid: true, unit: .each, product: yogurt)])
        _ = update(&model, .client(.result(id: "q1", result)), now: .seconds(6))
        _ = update(&model, .client(.held(id: "q1", result)), now: .seconds(6))
        return model
    }

    @Test("a held result asks; Enter on an empty line confirms it, once")
    func enterConfirms() {
        var model = Self.asked()
        #expect(model.question?.id == "q1")
        let commands = update(&model, .key(.enter), now: .seconds(7))
        #expect(commands == [.confirm(id: "q1", model.lastResult!)])
        #expect(model.question == nil)
        #expect(update(&model, .key(.enter), now: .seconds(7)) == [])
    }

    @Test("Esc cancels: no command, the log says what was not done")
    func escapeCancels() {
        var model = Self.asked()
        #expect(update(&model, .key(.escape), now: .seconds(7)) == [])
        #expect(model.question == nil)
        #expect(model.log.last?.text == "not done: remove 1 × Greek Yogurt")
    }

    @Test("a new line sent instead answers no, and is sent")
    func newLineAnswersNo() {
        var model = Self.asked()
        for character in "add eggs" { _ = update(&model, .key(.character(character)), now: .seconds(7)) }
        #expect(update(&model, .key(.enter), now: .seconds(7)) == [.submit("add eggs")])
        #expect(model.question == nil)
        #expect(model.log.last?.text == "not done: remove 1 × Greek Yogurt")
    }

    @Test("clear and checkout questions name the cart")
    func clearAndCheckoutWords() {
        let cart = sampleModel().cart
        #expect(ShopperWords.question(NLPResult(text: "start over", intent: .clear, confidence: 0.99), cart: cart) == "empty the cart (3 items)")
        #expect(ShopperWords.question(NLPResult(text: "ring me up", intent: .checkout, confidence: 0.99), cart: cart) == "check out (3 items, $10.04)")
    }

    @Test("undo sends the inverse of the last change as one change; the log says what is undone")
    func undo() {
        var model = sampleModel()
        let remove = CartCommand(id: "q1:0", action: .remove, productId: "milk-whole-gallon", quantity: 1)
        _ = update(&model, .client(.queued(id: remove.id, depth: 1, change: remove)), now: .seconds(7))
        _ = update(&model, .client(.changed([remove])), now: .seconds(7))
        let commands = update(&model, .key(.control("/")), now: .seconds(8))
        #expect(commands == [.undo([CartChange(action: .add, productId: "milk-whole-gallon", quantity: 1, unit: .each)])])
        #expect(model.log.last?.text == "undo: removed 1 × Great Value Whole Milk")
        #expect(update(&model, .key(.control("/")), now: .seconds(9)) == [])
        #expect(model.log.last?.text == "nothing to undo")
        // The undo's own messages are the last change: a second undo takes them back.
        let putBack = CartCommand(id: "u0", action: .add, productId: "milk-whole-gallon", quantity: 1, unit: .each)
        _ = update(&model, .client(.queued(id: putBack.id, depth: 1, change: putBack)), now: .seconds(9))
        _ = update(&model, .client(.changed([putBack])), now: .seconds(9))
        #expect(update(&model, .key(.control("/")), now: .seconds(10)) == [.undo([CartChange(action: .remove, productId: "milk-whole-gallon", quantity: 1, unit: .each)])])
    }

    @Test("golden: the question, and the log after an undo")
    func goldens() throws {
        let size = Size(columns: 80, rows: 24)
        try Golden.check(styled(view(Self.asked(), now: .seconds(8), size: size)), "question.txt", in: goldenFolder)
        var model = sampleModel()
        let remove = CartCommand(id: "q1:0", action: .remove, productId: "milk-whole-gallon")
        _ = update(&model, .client(.queued(id: remove.id, depth: 1, change: remove)), now: .seconds(7))
        _ = update(&model, .client(.changed([remove])), now: .seconds(7))
        _ = update(&model, .client(.delivered(id: remove.id)), now: .seconds(7))
        _ = update(&model, .key(.control("/")), now: .seconds(8))
        try Golden.check(view(model, now: .seconds(8), size: size).text, "undo.txt", in: goldenFolder)
    }
}
