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
        let focusMark = { (pane: Model.Focus) in model.focus == pane ? " ◀" : "" }
        // Result: a heading, then rows; a list follows its selection.
        painter.rule("Result" + focusMark(.result), row: row, width: width)
        let result = resultRows(model)
        let resultHeight = max(3, min(result.rows.count, (inputRow - 4) * 2 / 5))
        let listHeight = resultHeight - result.heading
        let selected = model.focus == .result ? model.resultSelection : nil
        let firstChoice = result.rows.firstIndex { $0.choice != nil } ?? result.rows.count
        let start = selected.map { max(0, min(firstChoice - result.heading + $0 - listHeight + 1, result.rows.count - resultHeight)) } ?? 0
        let shown = Array(result.rows.prefix(result.heading)) + result.rows.dropFirst(result.heading + start).prefix(listHeight)
        for (offset, line) in shown.enumerated() {
            painter.list(line, row: row + 1 + offset, width: width, selected: line.choice != nil && line.choice == selected)
        }
        row += resultHeight + 1
        // Cart and log share what is left; the cart follows its selection.
        let entries = CartEntry.of(model)
        let remaining = inputRow - row - 2
        let cartHeight = max(2, min(max(entries.count, 1), remaining / 2))
        let waiting = model.pendingChanges.filter { ![.get, .orders].contains($0.command.action) }.count
        var cartTitle = model.cart.map { "Cart v\($0.version) · \($0.items.count) item\($0.items.count == 1 ? "" : "s") · total \(Format.money($0.total))" } ?? "Cart"
        if waiting > 0 { cartTitle += " · \(waiting) change\(waiting == 1 ? "" : "s") waiting" }
        painter.rule(cartTitle + focusMark(.cart), row: row, width: width)
        if entries.isEmpty {
            painter.put("  (empty)", row: row + 1, style: Style(dim: true))
        } else {
            let selection = min(model.cartSelection, entries.count - 1)
            let first = max(0, min(selection - cartHeight + 1, entries.count - cartHeight))
            for (offset, entry) in entries.dropFirst(first).prefix(cartHeight).enumerated() {
                let index = first + offset
                painter.list(cartRow(entry), row: row + 1 + offset, width: width, selected: model.focus == .cart && index == selection)
            }
        }
        row += cartHeight + 1
        let logHeight = inputRow - row - 1
        painter.rule("Log" + focusMark(.log), row: row, width: width)
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

    // Key hints for the pane the keys act on, or for the question
    let hints = model.question == nil ? keyHints[model.focus] ?? "" : " Enter confirms · Esc cancels · type a new line to do something else"
    painter.put(hints, row: footerRow, style: Style(dim: true, reverse: true))
    painter.screen.fill(row: footerRow, style: Style(reverse: true))
    return painter.screen
}

let keyHints: [Model.Focus: String] = [
    .input: " Enter send · Tab pick/edit · Ctrl-/ undo · F1 help · Ctrl-R retry · Ctrl-C quit",
    .result: " ↑↓ choose · Enter put it in the cart · Tab cart · Esc back to typing",
    .cart: " ↑↓ choose · + one more · - one less · Del remove · Tab log · Esc back to typing",
    .log: " ↑↓ PgUp PgDn scroll · Tab typing · Esc back to typing",
]

let helpLines = [
    "Type what you want, e.g. \"add 2 gallons of milk\", \"remove the eggs\", \"what's in my cart\".",
    "Enter            send the line",
    "Tab              move focus: input, result, cart, log (Esc: back to the input)",
    "↑ ↓              history (input), choose (result, cart), scroll (log); PgUp/PgDn scroll the log",
    "Enter (result)   an add: put the chosen product in instead; a search: add one of it",
    "+ - (cart)       one more / one less of the chosen line (½ lb of weighed products)",
    "Del, Backspace   (cart) remove the chosen line",
    "Ctrl-/ (Ctrl-_)  undo the last cart change (a second undo puts it back)",
    "Enter / Esc      when asked (\"remove 1 × Greek Yogurt?\"): confirm / leave the cart as it is",
    "F2               your latest orders",
    "← → Home End     move in the line; Backspace/Delete; Ctrl-U, Ctrl-W delete",
    "Esc              clear the line",
    "Ctrl-R / F5      reconnect now (whatever the channels are doing)",
    "F8               stop/start the embedded server (to show an outage)",
    "Ctrl-Z           suspend to the shell (fg brings it back)",
    "Ctrl-C, Ctrl-D   quit (Ctrl-D on an empty line)",
    "Any key closes this help.",
]

/// A row of a list pane: text on the left, a figure on the right, and which choice it is.
struct ListRow {
    var text: String
    var right = ""
    var style = Style.plain
    /// Index among the pane's choices, for a row Enter can act on.
    var choice: Int?
}

/// The result pane: heading rows (always shown) and the rest.
private func resultRows(_ model: Model) -> (heading: Int, rows: [ListRow]) {
    if let receipt = model.receipt {
        let count = "\(receipt.itemCount) item\(receipt.itemCount == 1 ? "" : "s")"
        let lines = receipt.items.map { ListRow(text: "   " + Format.cartLine($0), right: Format.money($0.lineTotal)) }
        return (1, [ListRow(text: "  Order #\(receipt.orderId) placed · \(count) · total \(Format.money(receipt.total))", style: Style(color: .green, bold: true))] + lines)
    }
    if let orders = model.orders {
        let heading = ListRow(text: orders.isEmpty ? "  No orders yet." : "  Your orders, newest first", style: Style(bold: true))
        let rows = orders.map { order in
            ListRow(text: "   #\(order.orderId) · \(Format.date(order.placedAt, in: model.timeZone)) · \(order.itemCount) item\(order.itemCount == 1 ? "" : "s")", right: Format.money(order.total))
        }
        return (1, [heading] + rows)
    }
    guard let result = model.lastResult else { return (1, [ListRow(text: "  Type a query below and press Enter.", style: Style(dim: true))]) }
    var rows = [ListRow(text: "  \"\(result.text)\" → \(result.intent.rawValue) (\(Int((result.confidence * 100).rounded())) %)", style: Style(bold: true))]
    if let question = model.question {
        let text = "  \(ShopperWords.question(question.result, cart: model.cart))? Enter confirms · Esc cancels"
        return (rows.count + 1, rows + [ListRow(text: text, style: Style(color: .yellow, bold: true))] + Array(itemRows(result).dropFirst()))
    }
    if let error = result.error { rows.append(ListRow(text: "  \(error.message)", style: Style(color: .red))) }
    let choices = ResultChoices.of(model)
    switch choices {
    case .swap(let item, let current, let products):
        rows.append(ListRow(text: "  \(Format.quantity(item.quantity)) \(item.unit.rawValue) \(item.phrase):", style: Style(dim: true)))
        for (index, product) in products.enumerated() {
            let mark = product.id == current.id ? "✓" : " "  // the one in the cart
            rows.append(ListRow(text: "  \(mark) \(index + 1). \(product.name) · \(product.size)", right: Format.money(product.price), choice: index))
        }
        return (2, rows)
    case .add(let products):
        if products.isEmpty { rows.append(ListRow(text: "  no matching product", style: Style(color: .yellow))) }
        for (index, product) in products.enumerated() {
            rows.append(ListRow(text: "    \(index + 1). \(product.name) · \(product.size)", right: Format.money(product.price), choice: index))
        }
        return (1, rows)
    case .none:
        rows += itemRows(result).dropFirst()
        return (rows.count, rows)
    }
}

/// A placeholder first row, then one row per item: amount, phrase, product.
private func itemRows(_ result: NLPResult) -> [ListRow] {
    [ListRow(text: "")]
        + result.items.map { item in
            let amount = "\(Format.quantity(item.quantity)) \(item.unit.rawValue)"
            guard let product = item.product else {
                return ListRow(text: "  \(amount) \(item.phrase) → no matching product", style: Style(color: .yellow))
            }
            return ListRow(text: "  \(amount) \(item.phrase) → \(product.name), \(product.size)", right: Format.money(product.price))
        }
}

/// A cart row: the server's line (marked `…` while a change to it waits), or a queued
/// addition.
private func cartRow(_ entry: CartEntry) -> ListRow {
    guard let line = entry.line else {
        return ListRow(text: "  \(entry.queuedAmount) \(entry.name)", right: "… queued", style: Style(dim: true))
    }
    let money = (line.estimatedWeight == nil ? "" : "est. ") + Format.money(line.lineTotal)
    return ListRow(text: "  " + Format.cartLine(line), right: (entry.pending ? "… " : "") + money)
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

    /// A list row: `▶` and reverse video on the selected one (the arrow carries it on a
    /// monochrome terminal), the figure right-aligned.
    mutating func list(_ line: ListRow, row: Int, width: Int, selected: Bool) {
        var style = line.style
        if selected {
            style.reverse = true
            screen.fill(row: row, style: Style(reverse: true))
        }
        let right = line.right.isEmpty ? "" : line.right + " "
        let limit = width - TextWidth.of(right) - 1
        put(line.text, row: row, style: style, limit: limit)
        if selected { put("▶", row: row, style: style) }
        if !right.isEmpty { put(right, column: width - TextWidth.of(right), row: row, style: style) }
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
