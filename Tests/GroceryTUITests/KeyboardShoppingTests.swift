import Foundation
import GroceryClient
import GroceryProtocol
import Testing

@testable import GroceryTUI

/// Keys of keyboard shopping in every focus (issue 15), on full and empty panes.
@Suite("update: keyboard shopping")
struct KeyboardShoppingTests {
    @discardableResult
    func press(_ keys: Key..., on model: inout Model) -> [Command] {
        keys.flatMap { update(&model, .key($0), now: .zero) }
    }

    static let milk = ProductSummary(id: "milk-whole-gallon", name: "Great Value Whole Milk", price: 3.48, size: "1 gal", category: "dairy")
    static let organic = ProductSummary(id: "milk-organic", name: "Horizon Organic Whole Milk", price: 5.48, size: "half gal", category: "dairy")
    static let twoPercent = ProductSummary(id: "milk-2pct-gallon", name: "Great Value 2% Reduced Fat Milk", price: 3.38, size: "1 gal", category: "dairy")

    @Test("Tab walks input → result → cart → log → input; Esc goes back to the line and keeps it")
    func focusOrder() {
        var model = sampleModel()
        var seen: [Model.Focus] = []
        for _ in 0..<4 {
            press(.tab, on: &model)
            seen.append(model.focus)
        }
        #expect(seen == [.result, .cart, .log, .input])
        model.input.set("add eg")
        press(.tab, .escape, on: &model)
        #expect(model.focus == .input && model.input.text == "add eg")
    }

    @Test("result, an add: ↓ Enter swaps for the alternative in the same amount; again from the new one; Enter on the product in the cart does nothing")
    func swapPick() {
        var model = sampleModel()
        press(.tab, on: &model)
        #expect(press(.enter, on: &model) == [])  // row 1 is already in the cart
        let first = press(.down, .enter, on: &model)
        let item = model.lastResult!.items[0]
        #expect(first == [.swap(item: item, to: Self.organic)])
        #expect(model.swappedTo == Self.organic)
        // The next swap starts from what is in the cart now.
        var fromOrganic = item
        fromOrganic.product = Self.organic
        #expect(press(.down, .enter, on: &model) == [.swap(item: fromOrganic, to: Self.twoPercent)])
        #expect(press(.down, .down, on: &model) == [] && model.resultSelection == 2)  // clamped at the last row
        #expect(press(.up, .up, .up, on: &model) == [] && model.resultSelection == 0)
        // A new result starts afresh.
        _ = update(&model, .client(.result(id: "q2", model.lastResult!)), now: .zero)
        #expect(model.swappedTo == nil && model.resultSelection == 0)
    }

    @Test("result, a search: Enter adds one of the selection (pieces for a product sold by weight)")
    func searchPick() {
        var model = searchModel()
        press(.tab, .down, .down, on: &model)
        #expect(press(.enter, on: &model) == [.change(CartChange(action: .add, productId: "cereal-2", quantity: 1))])
        let apples = ProductSummary(id: "apple-gala", name: "Gala Apples", price: 1.47, size: "per lb", category: "produce", unit: .lb, pieceWeight: 0.375)
        model.lastResult = NLPResult(text: "apples", intent: .price, confidence: 0.9, items: [NLPItem(phrase: "apples", quantity: 1, unit: .each, product: apples)])
        model.resultSelection = 0
        #expect(press(.enter, on: &model) == [.change(CartChange(action: .add, productId: "apple-gala", quantity: 1, unit: .each))])
    }

    @Test("result keys with nothing to choose: no result, several items, an error, a receipt")
    func emptyResult() {
        var model = Model(user: "u", session: "s", serverNote: "", maxAttempts: 10)
        press(.tab, on: &model)
        #expect(press(.up, .down, .enter, on: &model) == [] && model.resultSelection == 0)
        model.lastResult = NLPResult(
            text: "milk and organic milk", intent: .add, confidence: 0.9,
            items: [NLPItem(phrase: "milk", quantity: 1, unit: .each, product: Self.milk), NLPItem(phrase: "organic milk", quantity: 1, unit: .each, product: Self.organic)])
        #expect(press(.down, .enter, on: &model) == [])
        model.lastResult = NLPResult(text: "x", intent: .add, confidence: 0, error: NLPProblem(code: .tooLong, message: "too long"))
        #expect(press(.down, .enter, on: &model) == [])
        model = sampleModel()
        _ = update(&model, .client(.order(id: "c", Receipt(orderId: 1, items: [], total: 0, placedAt: 0))), now: .zero)
        press(.tab, on: &model)
        #expect(press(.down, .enter, on: &model) == [])
    }

    @Test("cart: ↑/↓ select; + and - step by a package, a piece, or half a pound; Delete and Backspace remove the line")
    func cartEdits() {
        var model = sampleModel()  // milk (packages), bananas (1.5 lb), apples (4 pieces)
        press(.tab, .tab, on: &model)
        #expect(press(.character("+"), on: &model) == [.change(CartChange(action: .add, productId: "milk-whole-gallon", quantity: 1))])
        #expect(press(.character("-"), on: &model) == [.change(CartChange(action: .remove, productId: "milk-whole-gallon", quantity: 1))])
        press(.down, on: &model)
        #expect(press(.character("+"), on: &model) == [.change(CartChange(action: .add, productId: "banana", quantity: 0.5, unit: .lb))])
        press(.down, .down, on: &model)  // clamped at the last line
        #expect(model.cartSelection == 2)
        #expect(press(.character("-"), on: &model) == [.change(CartChange(action: .remove, productId: "apple-gala", quantity: 1, unit: .each))])
        #expect(press(.delete, on: &model) == [.change(CartChange(action: .remove, productId: "apple-gala"))])
        press(.up, on: &model)
        #expect(press(.backspace, on: &model) == [.change(CartChange(action: .remove, productId: "banana"))])
        #expect(press(.enter, on: &model) == [])
        #expect(model.input.text.isEmpty)  // none of these typed into the line
    }

    /// Issue 32: "1.5 lb bananas" queued offline showed as "1.5 × Bananas", and `+` added a
    /// whole pound.
    @Test("a queued weight shows as a weight and + adds half a pound; pieces then pounds of one product queue as a weight")
    func queuedWeights() {
        var model = Model(user: "u", session: "s", serverNote: "", maxAttempts: 10)
        let bananas = ProductSummary(id: "banana", name: "Bananas", price: 0.58, size: "per lb", category: "produce", unit: .lb, pieceWeight: 0.4)
        model.lastResult = NLPResult(text: "", intent: .add, confidence: 1, items: [NLPItem(phrase: "bananas", quantity: 1.5, unit: .lb, product: bananas)])
        press(.tab, .tab, on: &model)
        _ = update(&model, .client(.queued(id: "a", depth: 1, change: CartCommand(id: "a", action: .add, productId: "banana", quantity: 1.5, unit: .lb))), now: .zero)
        #expect(CartEntry.of(model).map(\.queuedAmount) == ["1.5 lb"])
        #expect(press(.character("+"), on: &model) == [.change(CartChange(action: .add, productId: "banana", quantity: 0.5, unit: .lb))])
        // 1.5 lb and 5 bananas (0.4 lb each): 3.5 lb, as the server will hold it.
        _ = update(&model, .client(.queued(id: "b", depth: 2, change: CartCommand(id: "b", action: .add, productId: "banana", quantity: 5, unit: .each))), now: .zero)
        #expect(CartEntry.of(model).map(\.queuedAmount) == ["3.5 lb"])
    }

    @Test("cart keys on an empty cart do nothing; a queued addition is a line of its own that the keys edit")
    func emptyAndQueuedCart() {
        var model = Model(user: "u", session: "s", serverNote: "", maxAttempts: 10)
        press(.tab, .tab, on: &model)
        #expect(press(.up, .down, .character("+"), .character("-"), .delete, .backspace, .enter, on: &model) == [])
        _ = update(&model, .client(.queued(id: "a", depth: 1, change: CartCommand(id: "a", action: .add, productId: "apple-gala", quantity: 3, unit: .each))), now: .zero)
        #expect(CartEntry.of(model).map(\.queued.milli) == [3000])
        #expect(press(.character("+"), on: &model) == [.change(CartChange(action: .add, productId: "apple-gala", quantity: 1, unit: .each))])
        #expect(press(.delete, on: &model) == [.change(CartChange(action: .remove, productId: "apple-gala"))])
        // Queued add then remove of one product: no line; an ack makes the server's cart the truth again.
        _ = update(&model, .client(.queued(id: "b", depth: 2, change: CartCommand(id: "b", action: .remove, productId: "apple-gala"))), now: .zero)
        #expect(CartEntry.of(model).isEmpty)
    }

    @Test("typing in a list pane goes back to the line; the log scrolls with ↑/↓")
    func typingAndLog() {
        var model = sampleModel()
        for n in 0..<10 { _ = update(&model, .notice("line \(n)"), now: .zero) }
        press(.tab, on: &model)
        press(.character("a"), on: &model)
        #expect(model.focus == .input && model.input.text == "a")
        press(.tab, .tab, .tab, .up, .up, on: &model)
        #expect(model.focus == .log && model.logScroll == 2)
        press(.down, on: &model)
        #expect(model.logScroll == 1)
        press(.character("b"), on: &model)
        #expect(model.focus == .input && model.input.text == "ab")
        #expect(press(.function(2), on: &model) == [.showOrders])
    }

    @Test("the log speaks the shopper's words; bookkeeping shows only while the network is away")
    func shopperWords() {
        var model = sampleModel()
        let before = model.log.count
        let add = CartCommand(id: "q:0", action: .add, productId: "milk-whole-gallon", quantity: 2)
        _ = update(&model, .client(.queued(id: "q:0", depth: 1, change: add)), now: .zero)
        #expect(model.log.count == before)  // connected: nothing to say yet
        _ = update(&model, .client(.delivered(id: "q:0")), now: .zero)
        #expect(model.log.last?.text == "added 2 × Great Value Whole Milk")
        model.grocery = .waiting(attempt: 1, retryAt: .seconds(1), lastError: .cannotConnect(detail: "refused"))
        let weigh = CartCommand(id: "w", action: .remove, productId: "banana", quantity: 0.5)
        _ = update(&model, .client(.queued(id: "w", depth: 1, change: weigh)), now: .zero)
        #expect(model.log.last?.text == "waiting for the network: remove 0.5 lb Bananas")
        #expect(CartEntry.of(model).first { $0.productId == "banana" }?.pending == true)
        _ = update(&model, .client(.delivered(id: "w")), now: .zero)
        #expect(model.log.last?.text == "removed 0.5 lb Bananas")
        #expect(CartEntry.of(model).allSatisfy { !$0.pending })
        let whole = CartCommand(id: "r", action: .remove, productId: "banana")
        _ = update(&model, .client(.queued(id: "r", depth: 1, change: whole)), now: .zero)
        _ = update(&model, .client(.rejected(id: "r", code: "not_found", message: "\"banana\" is not in the cart")), now: .zero)
        #expect(model.log.last?.text == "not done: remove Bananas: \"banana\" is not in the cart (not_found)")
        let update = CartCommand(id: "u", action: .update, productId: "apple-gala", quantity: 6, unit: .each)
        _ = GroceryTUI.update(&model, .client(.queued(id: "u", depth: 1, change: update)), now: .zero)
        _ = GroceryTUI.update(&model, .client(.delivered(id: "u")), now: .zero)
        #expect(model.log.last?.text == "changed Gala Apples to 6")
        #expect(model.pendingChanges.isEmpty)
        // A change left queued by an earlier run has no name until the screen knows one.
        model.pendingChanges = [Model.PendingChange(command: CartCommand(id: "old", action: .add, productId: "banana", quantity: 1.5))]
        _ = GroceryTUI.update(&model, .client(.delivered(id: "old")), now: .zero)
        #expect(model.log.last?.text == "added 1.5 lb Bananas")
    }

    @Test("checkout shows the receipt until the next query; F2's answer lists orders")
    func receiptAndOrders() {
        var model = sampleModel()
        let receipt = Receipt(orderId: 4, items: model.cart!.items, total: 10.04, placedAt: 1_764_700_000)
        _ = update(&model, .client(.order(id: "c", receipt)), now: .zero)
        #expect(model.receipt == receipt && model.log.last?.text == "order #4 placed: 3 items, $10.04")
        _ = update(&model, .client(.orders(id: "o", [receipt])), now: .zero)
        #expect(model.orders == [receipt] && model.receipt == nil)
        model.timeZone = TimeZone(identifier: "UTC")!
        #expect(view(model, now: .zero, size: Size(columns: 80, rows: 24)).text.contains("#4 · 2025-12-02 18:26 · 3 items"))
        _ = update(&model, .client(.result(id: "q", model.lastResult!)), now: .zero)
        #expect(model.orders == nil && model.receipt == nil)
    }
}
