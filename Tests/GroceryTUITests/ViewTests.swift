import Foundation
import GroceryClient
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryTUI

let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// A model in a typical state: a result, a cart, a log.
func sampleModel() -> Model {
    var model = Model(user: "alice", session: "1A2B3C4D-0000", serverNote: "server 127.0.0.1:3001", maxAttempts: 10)
    let milk = ProductSummary(id: "milk-whole-gallon", name: "Great Value Whole Milk", price: 3.48, size: "1 gal", category: "dairy")
    let organic = ProductSummary(id: "milk-organic", name: "Horizon Organic Whole Milk", price: 5.48, size: "half gal", category: "dairy")
    model.lastResult = NLPResult(
        text: "add 2 gallons of milk", intent: .add, confidence: 0.95,
        items: [NLPItem(phrase: "milk", quantity: 2, unit: .gallon, product: milk, alternatives: [organic])])
    model.cart = CartSnapshot(
        version: 3,
        items: [
            .init(productId: "milk-whole-gallon", name: "Great Value Whole Milk", quantity: 2, unit: .each, unitPrice: 3.48, lineTotal: 6.96),
            .init(productId: "banana", name: "Bananas", quantity: 1.5, unit: .lb, unitPrice: 0.58, lineTotal: 0.87),
            .init(productId: "apple-gala", name: "Gala Apples", quantity: 4, unit: .each, estimatedWeight: 1.5, unitPrice: 1.47, lineTotal: 2.21),
        ],
        total: 10.04)
    model.walmart = .connected(since: .seconds(1), rtt: .milliseconds(2))
    model.grocery = .connected(since: .seconds(1), rtt: nil)
    _ = update(&model, .client(.queued(id: "q", depth: 1)), now: .seconds(3))
    _ = update(&model, .client(.delivered(id: "q")), now: .seconds(4))
    return model
}

@Suite("view: golden screens")
struct ViewTests {
    let size = Size(columns: 80, rows: 20)

    @Test("both channels connected, a result and a cart")
    func connected() throws {
        try Golden.check(view(sampleModel(), now: .seconds(5), size: size).text, "connected.txt", in: goldenFolder)
    }

    @Test("waiting: the countdown is computed from retryAt and now")
    func waiting() throws {
        var model = sampleModel()
        model.grocery = .waiting(attempt: 3, retryAt: .milliseconds(12_300), lastError: .cannotConnect(detail: "connection refused"))
        let early = view(model, now: .seconds(10), size: size)
        try Golden.check(early.text, "waiting.txt", in: goldenFolder)
        let later = view(model, now: .seconds(11), size: size)
        #expect(later.text.contains("reconnecting in 1.3 s (attempt 3/10)"))
        #expect(early.text.contains("reconnecting in 2.3 s (attempt 3/10) · Ctrl-R retry now"))
        #expect(view(model, now: .seconds(20), size: size).text.contains("reconnecting in 0.0 s"))
    }

    @Test("failed after giving up")
    func failed() throws {
        var model = sampleModel()
        model.walmart = .failed(reason: .gaveUp(attempts: 10, last: .cannotConnect(detail: "connection refused")), attempts: 10)
        model.queued = 2
        try Golden.check(view(model, now: .seconds(60), size: size).text, "failed.txt", in: goldenFolder)
    }

    @Test("below the minimum size only says so")
    func tiny() throws {
        let screen = view(sampleModel(), now: .zero, size: Size(columns: 50, rows: 10))
        try Golden.check(screen.text, "tiny.txt", in: goldenFolder)
        #expect(view(sampleModel(), now: .zero, size: Size(columns: 0, rows: 0)).text == "\n")
    }

    @Test("monochrome: no colour anywhere, and the states still read in words and symbols")
    func monochrome() throws {
        var model = sampleModel()
        model.grocery = .waiting(attempt: 1, retryAt: .seconds(2), lastError: .cannotConnect(detail: "x"))
        let screen = view(model, now: .seconds(1), size: size, colors: false)
        #expect(screen.rows.allSatisfy { $0.allSatisfy { $0.style.color == .normal } })
        #expect(screen.text == view(model, now: .seconds(1), size: size, colors: true).text)
        #expect(screen.text.contains("● walmart connected") && screen.text.contains("◌ grocery reconnecting"))
        let colored = view(model, now: .seconds(1), size: size, colors: true)
        #expect(colored.rows[1].contains { $0.style.color == .green })
        #expect(colored.rows[2].contains { $0.style.color == .yellow })
    }

    @Test("wide characters take two columns and never split")
    func wide() throws {
        var model = sampleModel()
        model.input.set("日本のお茶 crème fraîche 🍌")
        let screen = view(model, now: .seconds(5), size: size)
        try Golden.check(screen.text, "wide.txt", in: goldenFolder)
        #expect(TextWidth.of("日本") == 4)
        #expect(TextWidth.of("crème") == 5)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(screen.cursor?.column == 2 + TextWidth.of("日本のお茶 crème fraîche 🍌"))
    }

    @Test("help overlay")
    func help() throws {
        var model = sampleModel()
        _ = update(&model, .key(.function(1)), now: .zero)
        try Golden.check(view(model, now: .seconds(5), size: size).text, "help.txt", in: goldenFolder)
    }
}
