import GroceryClient
import GroceryProtocol

/// Terminal size in columns and rows.
public struct Size: Sendable, Equatable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    /// Below this the screen shows only "terminal too small".
    public static let minimum = Size(columns: 60, rows: 16)
}

/// Draws the model: pure, so golden tests need no terminal. `now` is the client clock's
/// time, from which countdowns are computed; `colors: false` draws monochrome.
public func view(_ model: Model, now: Duration, size: Size, colors: Bool = true) -> Screen {
    var screen = Screen(width: size.columns, height: size.rows)
    guard size.columns >= Size.minimum.columns, size.rows >= Size.minimum.rows else {
        let message = "terminal too small: \(size.columns)×\(size.rows), need \(Size.minimum.columns)×\(Size.minimum.rows)"
        screen.put(message, column: 0, row: size.rows / 2)
        return screen
    }
    var painter = Painter(screen: screen, colors: colors)
    let width = size.columns

    // Title
    var title = " grocery · \(model.user) · session \(model.session.prefix(8)) · "
    switch model.embedded {
    case .running(let walmart, let grocery)?: title += "embedded server on \(walmart)/\(grocery)"
    case .stopped?: title += "embedded server stopped (F8 starts it)"
    case nil: title += model.serverNote
    }
    painter.put(title, row: 0, style: Style(bold: true, reverse: true))
    painter.screen.fill(row: 0, style: Style(reverse: true))

    // Status: one row per channel, symbol + word + colour
    for (row, (name, state)) in [("walmart", model.walmart), ("grocery", model.grocery)].enumerated() {
        let shown = Format.state(state, now: now, maxAttempts: model.maxAttempts)
        var x = painter.put("\(shown.symbol) ", row: 1 + row, style: Style(color: shown.color, bold: true))
        x = painter.put(name.padding(toLength: 8, withPad: " ", startingAt: 0), column: x, row: 1 + row, style: Style(bold: true))
        painter.put(shown.text, column: x, row: 1 + row, style: Style(color: shown.color))
    }

    let footerRow = size.rows - 1
    let inputRow = size.rows - 2
    var row = 3
    if model.showingHelp {
        painter.rule("Help", row: row, width: width)
        for line in helpLines where row + 1 < inputRow {
            row += 1
            painter.put("  " + line, row: row)
        }
    } else {
        // Result
        painter.rule("Result", row: row, width: width)
        let resultRows = resultLines(model.lastResult)
        for index in 0..<3 {
            if index < resultRows.count { painter.put(resultRows[index].text, row: row + 1 + index, style: resultRows[index].style) }
        }
        row += 4
        // Cart and log share what is left
        let remaining = inputRow - row - 2
        let cartLines = model.cart?.items.count ?? 0
        let cartHeight = max(2, min(max(cartLines, 1), remaining / 2))
        let cartTitle = model.cart.map { "Cart v\($0.version) · \($0.items.count) item\($0.items.count == 1 ? "" : "s") · total \(Format.money($0.total))" } ?? "Cart"
        painter.rule(cartTitle + (model.focus == .cart ? " ◀" : ""), row: row, width: width)
        if let cart = model.cart, !cart.items.isEmpty {
            let shown = cart.items.dropFirst(min(model.cartScroll, max(0, cart.items.count - cartHeight))).prefix(cartHeight)
            for (offset, line) in shown.enumerated() {
                let left = "  " + Format.cartLine(line)
                let right = (line.estimatedWeight == nil ? "" : "est. ") + Format.money(line.lineTotal)
                painter.put(left, row: row + 1 + offset, limit: width - right.count - 2)
                painter.put(right, column: width - right.count - 1, row: row + 1 + offset)
            }
        } else {
            painter.put("  (empty)", row: row + 1, style: Style(dim: true))
        }
        row += cartHeight + 1
        let logHeight = inputRow - row - 1
        painter.rule("Log" + (model.focus == .log ? " ◀" : ""), row: row, width: width)
        let end = max(0, model.log.count - model.logScroll)
        let visible = model.log[max(0, end - logHeight)..<end]
        for (offset, line) in visible.enumerated() {
            let x = painter.put(Format.clock(line.at) + " ", row: row + 1 + offset, style: Style(dim: true))
            painter.put(line.text, column: x, row: row + 1 + offset, style: Style(color: line.tone))
        }
    }

    // Input line with the queued count
    let queued = model.queued > 0 ? " queued \(model.queued) " : ""
    let prompt = "> "
    let inputWidth = width - prompt.count - queued.count - 1
    let text = model.input.characters
    let before = TextWidth.of(String(text[..<model.input.cursor]))
    let start = max(0, before - inputWidth + 1)
    var x = painter.put(prompt, row: inputRow, style: Style(bold: true))
    let visibleText = String(text).dropLeadingColumns(start)
    x = painter.put(visibleText, column: x, row: inputRow, limit: inputWidth)
    if !queued.isEmpty { painter.put(queued, column: width - queued.count, row: inputRow, style: Style(color: .yellow, reverse: true)) }
    painter.screen.cursor = (prompt.count + before - start, inputRow)

    // Key hints
    painter.put(" Enter send · Ctrl-R retry · Tab focus · F1 help · F8 server · Ctrl-C quit", row: footerRow, style: Style(dim: true, reverse: true))
    painter.screen.fill(row: footerRow, style: Style(reverse: true))
    return painter.screen
}

let helpLines = [
    "Type what you want, e.g. \"add 2 gallons of milk\", \"remove the eggs\", \"what's in my cart\".",
    "Enter            send the line",
    "Ctrl-R / F5      reconnect now (whatever the channels are doing)",
    "Tab              move focus: input, cart, log",
    "↑ ↓              history (input) or scroll (cart, log); PgUp/PgDn scroll",
    "← → Home End     move in the line; Backspace/Delete; Ctrl-U, Ctrl-W delete",
    "Esc              clear the line",
    "F8               stop/start the embedded server (to show an outage)",
    "Ctrl-C, Ctrl-D   quit (Ctrl-D on an empty line)",
    "Any key closes this help.",
]

private func resultLines(_ result: NLPResult?) -> [(text: String, style: Style)] {
    guard let result else { return [("  Type a query below and press Enter.", Style(dim: true))] }
    var lines: [(String, Style)] = [("  \"\(result.text)\" → \(result.intent.rawValue) (\(Int((result.confidence * 100).rounded())) %)", Style(bold: true))]
    if let error = result.error {
        lines.append(("  \(error.message)", Style(color: .red)))
    }
    for item in result.items {
        let amount = "\(Format.quantity(item.quantity)) \(item.unit.rawValue)"
        if let product = item.product {
            lines.append(("  \(amount) \(item.phrase) → \(product.name), \(product.size), \(Format.money(product.price))", .plain))
            // Alternatives when there is room: a single item.
            if result.items.count == 1, !item.alternatives.isEmpty {
                lines.append(("      also: " + item.alternatives.map { "\($0.name) \(Format.money($0.price))" }.joined(separator: " · "), Style(dim: true)))
            }
        } else {
            lines.append(("  \(amount) \(item.phrase) → no matching product", Style(color: .yellow)))
        }
    }
    return lines
}

/// Writes into a screen, dropping colour when the terminal has none (or NO_COLOR).
private struct Painter {
    var screen: Screen
    let colors: Bool

    @discardableResult
    mutating func put(_ text: String, column: Int = 0, row: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        var style = style
        if !colors { style.color = .normal }
        return screen.put(text, column: column, row: row, style: style, limit: limit)
    }

    mutating func rule(_ title: String, row: Int, width: Int) {
        let x = put("─ ", row: row, style: Style(dim: true))
        let after = put(title, column: x, row: row, style: Style(bold: true))
        put(" " + String(repeating: "─", count: max(0, width - after - 1)), column: after, row: row, style: Style(dim: true))
    }
}

extension String {
    /// The string without its first `columns` terminal columns.
    func dropLeadingColumns(_ columns: Int) -> String {
        var skipped = 0
        var index = startIndex
        while index < endIndex, skipped < columns {
            skipped += TextWidth.of(self[index])
            index = self.index(after: index)
        }
        return String(self[index...])
    }
}
