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
    let twoPercent = ProductSummary(id: "milk-2pct-gallon", name: "Great Value 2% Reduced Fat Milk", price: 3.38, size: "1 gal", category: "dairy")
    model.lastResult = NLPResult(
        text: "add 2 gallons of milk", intent: .add, confidence: 0.95,
        items: [NLPItem(phrase: "milk", quantity: 2, unit: .gallon, product: milk, alternatives: [organic, twoPercent])])
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

/// Cereals ranked by price, as a search answers.
func searchModel() -> Model {
    var model = sampleModel()
    let names = ["Great Value Corn Flakes", "Kellogg's Corn Flakes", "Cheerios", "Honey Nut Cheerios", "Frosted Flakes", "Froot Loops", "Rice Krispies", "Lucky Charms"]
    let products = names.enumerated().map { index, name in
        ProductSummary(id: "cereal-\(index)", name: name, price: 1.98 + Double(index) * 0.5, size: "\(12 + index) oz", category: "pantry")
    }
    model.lastResult = NLPResult(
        text: "cheapest cereal", intent: .search, confidence: 0.85,
        items: [NLPItem(phrase: "cereal", quantity: 1, unit: .each, product: products[0], alternatives: Array(products.dropFirst()))])
    return model
}

/// The screens of keyboard shopping (issue 15), each in both sizes and both colour modes.
enum KeyboardScreen: String, CaseIterable, Sendable {
    case addWithAlternatives = "add", searchList = "search", resultSelected = "result-focused", cartSelected = "cart-focused",
        pendingChange = "pending", receipt = "receipt"

    var model: Model {
        switch self {
        case .addWithAlternatives:
            return sampleModel()
        case .searchList:
            return searchModel()
        case .resultSelected:
            var model = searchModel()
            _ = update(&model, .key(.tab), now: .zero)
            for _ in 0..<6 { _ = update(&model, .key(.down), now: .zero) }  // past the rows shown at 80×24: the list follows
            return model
        case .cartSelected:
            var model = sampleModel()
            for _ in 0..<2 { _ = update(&model, .key(.tab), now: .zero) }
            _ = update(&model, .key(.down), now: .zero)
            return model
        case .pendingChange:
            var model = sampleModel()
            model.grocery = .waiting(attempt: 2, retryAt: .seconds(7), lastError: .cannotConnect(detail: "connection refused"))
            _ = update(&model, .client(.queued(id: "c1", depth: 1, change: CartCommand(id: "c1", action: .remove, productId: "banana", quantity: 0.5))), now: .seconds(5))
            _ = update(&model, .client(.queued(id: "c2", depth: 2, change: CartCommand(id: "c2", action: .add, productId: "milk-organic", quantity: 1))), now: .seconds(5))
            return model
        case .receipt:
            var model = sampleModel()
            let receipt = Receipt(orderId: 3, items: model.cart!.items, total: 10.04, placedAt: 1_764_700_000)
            _ = update(&model, .client(.order(id: "c9", receipt)), now: .seconds(6))
            model.cart = CartSnapshot(version: 4, items: [], total: 0)
            return model
        }
    }
}

struct GoldenCase: Sendable, CustomTestStringConvertible {
    var screen: KeyboardScreen
    var size: Size
    var colors: Bool
    var file: String { "keyboard/\(screen.rawValue)-\(size.columns)x\(size.rows)-\(colors ? "colour" : "mono").txt" }
    var testDescription: String { file }

    static let all = KeyboardScreen.allCases.flatMap { screen in
        [Size(columns: 80, rows: 24), Size(columns: 200, rows: 60)].flatMap { size in
            [true, false].map { GoldenCase(screen: screen, size: size, colors: $0) }
        }
    }
}

/// A terminal size at the edge of the minimum, and whether it is too small.
struct MinimumSizeCase: Sendable, CustomTestStringConvertible {
    var size: Size
    var tooSmall: Bool
    var testDescription: String { "\(size.columns)×\(size.rows)" }

    static let all = [
        MinimumSizeCase(size: Size(columns: 59, rows: 16), tooSmall: true),
        MinimumSizeCase(size: Size(columns: 60, rows: 15), tooSmall: true),
        MinimumSizeCase(size: Size(columns: 60, rows: 16), tooSmall: false),
    ]
}

/// The text, then each row's styles as letters (`.` plain) with a legend: the golden
/// files show colour, bold, dim and reverse video, not only the characters.
func styled(_ screen: Screen) -> String {
    var legend: [Style: Character] = [.plain: "."]
    var names: [(Character, Style)] = []
    let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    let rows = screen.rows.map { row in
        var codes = String(row.map { cell -> Character in
            if let letter = legend[cell.style] { return letter }
            let letter = letters[min(names.count, letters.count - 1)]
            legend[cell.style] = letter
            names.append((letter, cell.style))
            return letter
        })
        while codes.hasSuffix(".") { codes.removeLast() }
        return codes
    }
    let key = names.map { letter, style in
        let parts = [style.color == .normal ? nil : "\(style.color)", style.bold ? "bold" : nil, style.dim ? "dim" : nil, style.reverse ? "reverse" : nil]
        return "\(letter) = \(parts.compactMap { $0 }.joined(separator: " "))"
    }
    return screen.text + "--- styles\n" + key.joined(separator: "\n") + "\n" + rows.joined(separator: "\n") + "\n"
}

@Suite("view: golden screens of keyboard shopping")
struct KeyboardViewTests {
    @Test("each screen at 80×24 and 200×60, colour and monochrome", arguments: GoldenCase.all)
    func golden(_ golden: GoldenCase) throws {
        let screen = view(golden.screen.model, now: .seconds(5), size: golden.size, colors: golden.colors)
        try Golden.check(styled(screen), golden.file, in: goldenFolder)
        if !golden.colors { #expect(screen.rows.allSatisfy { $0.allSatisfy { $0.style.color == .normal } }) }
    }

    @Test("what each screen must say, whatever the layout")
    func contents() {
        let size = Size(columns: 80, rows: 24)
        let add = view(KeyboardScreen.addWithAlternatives.model, now: .zero, size: size).text
        #expect(add.contains("  ✓ 1. Great Value Whole Milk · 1 gal") && add.contains("    2. Horizon Organic Whole Milk · half gal"))
        let selected = view(KeyboardScreen.resultSelected.model, now: .zero, size: size)
        #expect(selected.text.contains("▶   7. Rice Krispies"))  // scrolled into view
        let pending = view(KeyboardScreen.pendingChange.model, now: .zero, size: size).text
        #expect(pending.contains("1 × Horizon Organic Whole Milk") && pending.contains("… queued") && pending.contains("2 changes waiting"))
        #expect(pending.split(separator: "\n").contains { $0.contains("Bananas") && $0.contains("… $0.87") })
        let receipt = view(KeyboardScreen.receipt.model, now: .zero, size: size).text
        #expect(receipt.contains("Order #3 placed · 3 items · total $10.04") && receipt.contains("order #3 placed: 3 items, $10.04"))
        let cart = view(KeyboardScreen.cartSelected.model, now: .zero, size: size)
        let row = cart.rows.first { $0.map(\.text).joined().contains("Bananas") }!
        #expect(row.first?.text == "▶" && row.allSatisfy { $0.style.reverse })
    }
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

    @Test("60×16 is the smallest full screen: one column or one row fewer only says the terminal is too small", arguments: MinimumSizeCase.all)
    func minimumSize(_ example: MinimumSizeCase) {
        let (columns, rows) = (example.size.columns, example.size.rows)
        let screen = view(sampleModel(), now: .seconds(5), size: example.size)
        let lines = screen.rows.map { $0.map(\.text).joined() }
        if example.tooSmall {
            #expect(lines[rows / 2].hasPrefix("terminal too small: \(columns)×\(rows), need 60×16"))
            #expect(!screen.text.contains("grocery · alice"))
            #expect(screen.cursor?.row == nil)
        } else {
            #expect(!screen.text.contains("too small"))
            #expect(lines[0].hasPrefix(" grocery · alice · session 1A2B3C4D"))
            #expect(lines[1].contains("walmart") && lines[2].contains("grocery"))
            #expect(lines[rows - 2].hasPrefix("> "))  // the input line
            #expect(screen.cursor?.row == rows - 2)
            #expect(lines[rows - 1].hasPrefix(" Enter send"))  // the key hints
        }
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

    /// Issue 32: a ZWJ sequence was measured by its first scalar (2 columns) while the
    /// terminal drew more, and the overflow broke the footer. Widths as glibc's wcwidth
    /// sums them (what ncurses advances), read on this machine: 👨 2, ZWJ 0, 🏽 2, 🇺 1,
    /// ❤ 1, VS16 0.
    @Test("emoji sequences are measured as ncurses and the terminal draw them; joined ones are drawn apart, each cell accounted for")
    func emojiSequences() {
        let widths: [(String, Int)] = [("👨‍👩‍👧", 6), ("👍🏽", 4), ("🇺🇸", 2), ("❤️", 1), ("👍", 2), ("é", 1), ("e\u{301}", 1), ("日本", 4)]
        for (text, columns) in widths { #expect(TextWidth.of(text) == columns, "\(text)") }
        var screen = Screen(width: 12, height: 1)
        #expect(screen.put("a👨‍👩‍👧b", column: 0, row: 0) == 8)
        #expect(screen.rows[0].map(\.text).prefix(8) == ["a", "👨👩👧", "", "", "", "", "", "b"])
        // What is drawn takes as many columns as the grid gave it.
        #expect(TextWidth.of(screen.rows[0][1].text) == 6)
    }

    @Test("help overlay")
    func help() throws {
        var model = sampleModel()
        _ = update(&model, .key(.function(1)), now: .zero)
        try Golden.check(view(model, now: .seconds(5), size: size).text, "help.txt", in: goldenFolder)
    }
}
