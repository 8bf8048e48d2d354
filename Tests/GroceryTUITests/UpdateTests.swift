import GroceryClient
import GroceryProtocol
import Testing

@testable import GroceryTUI

@Suite("update: keys and events")
struct UpdateTests {
    func type(_ text: String, into model: inout Model) {
        for character in text { _ = update(&model, .key(.character(character)), now: .zero) }
    }

    @Test("Enter sends the line, clears it and records history; blank lines are not sent")
    func enter() {
        var model = sampleModel()
        type("add milk", into: &model)
        #expect(update(&model, .key(.enter), now: .zero) == [.submit("add milk")])
        #expect(model.input.text.isEmpty)
        #expect(model.history == ["add milk"])
        type("   ", into: &model)
        #expect(update(&model, .key(.enter), now: .zero) == [])
    }

    @Test("line editing: arrows, Home/End, Backspace/Delete, Ctrl-U, Ctrl-W, UTF-8")
    func editing() {
        var model = sampleModel()
        type("add crème", into: &model)
        _ = update(&model, .key(.left), now: .zero)
        _ = update(&model, .key(.backspace), now: .zero)
        #expect(model.input.text == "add crèe")
        _ = update(&model, .key(.home), now: .zero)
        _ = update(&model, .key(.delete), now: .zero)
        #expect(model.input.text == "dd crèe")
        _ = update(&model, .key(.end), now: .zero)
        type(" 日本", into: &model)
        _ = update(&model, .key(.control("w")), now: .zero)
        #expect(model.input.text == "dd crèe ")
        _ = update(&model, .key(.control("u")), now: .zero)
        #expect(model.input.text.isEmpty)
        type("x", into: &model)
        _ = update(&model, .key(.escape), now: .zero)
        #expect(model.input.text.isEmpty)
    }

    @Test("Up/Down walk the history")
    func history() {
        var model = sampleModel()
        for line in ["one", "two"] {
            type(line, into: &model)
            _ = update(&model, .key(.enter), now: .zero)
        }
        _ = update(&model, .key(.up), now: .zero)
        #expect(model.input.text == "two")
        _ = update(&model, .key(.up), now: .zero)
        #expect(model.input.text == "one")
        _ = update(&model, .key(.down), now: .zero)
        #expect(model.input.text == "two")
        _ = update(&model, .key(.down), now: .zero)
        #expect(model.input.text.isEmpty)
    }

    @Test("Ctrl-R and F5 retry, F8 toggles the server, Ctrl-C quits, Ctrl-D quits only on an empty line")
    func commands() {
        var model = sampleModel()
        #expect(update(&model, .key(.control("r")), now: .zero) == [.retryNow])
        #expect(update(&model, .key(.function(5)), now: .zero) == [.retryNow])
        #expect(update(&model, .key(.function(8)), now: .zero) == [.toggleEmbeddedServer])
        type("x", into: &model)
        #expect(update(&model, .key(.control("d")), now: .zero) == [])
        _ = update(&model, .key(.control("u")), now: .zero)
        #expect(update(&model, .key(.control("d")), now: .zero) == [.quit])
        var other = sampleModel()
        #expect(update(&other, .key(.control("c")), now: .zero) == [.quit])
    }

    @Test("? on an empty line shows help; on a line it is typed")
    func questionMark() {
        var model = sampleModel()
        _ = update(&model, .key(.character("?")), now: .zero)
        #expect(model.showingHelp)
        _ = update(&model, .key(.character("x")), now: .zero)
        #expect(!model.showingHelp && model.input.text.isEmpty)
        type("milk?", into: &model)
        #expect(model.input.text == "milk?" && !model.showingHelp)
    }

    @Test("client events update states, cart (never older), queue and log")
    func events() {
        var model = sampleModel()
        _ = update(&model, .client(.state(channel: "grocery", .waiting(attempt: 2, retryAt: .seconds(10), lastError: .closed(code: 1001, reason: "")))), now: .seconds(8))
        #expect(model.isCountingDown)
        #expect(model.log.last?.text == "grocery closed with 1001; retry 2/10 in 2.0 s")
        _ = update(&model, .client(.cart(CartSnapshot(version: 2, items: [], total: 0))), now: .zero)
        #expect(model.cart?.version == 3)  // an older snapshot does not replace a newer one
        _ = update(&model, .client(.queued(id: "a", depth: 4)), now: .zero)
        #expect(model.queued == 4)
        _ = update(&model, .client(.error(code: "not_found", message: "no product matches \"x\"")), now: .zero)
        #expect(model.log.last?.tone == .red)
    }
}

@Suite("update: scrolling")
struct ScrollTests {
    @Test("PgUp scrolls the log while typing; Tab to the cart moves its selection")
    func scrolling() {
        var model = sampleModel()
        for n in 0..<30 { _ = update(&model, .notice("line \(n)"), now: .zero) }
        _ = update(&model, .key(.pageUp), now: .zero)
        #expect(model.logScroll == 5)
        _ = update(&model, .key(.pageDown), now: .zero)
        #expect(model.logScroll == 0)
        _ = update(&model, .key(.tab), now: .zero)
        _ = update(&model, .key(.tab), now: .zero)
        #expect(model.focus == .cart)
        _ = update(&model, .key(.down), now: .zero)
        #expect(model.cartSelection == 1)
        #expect(model.input.text.isEmpty)
    }
}
