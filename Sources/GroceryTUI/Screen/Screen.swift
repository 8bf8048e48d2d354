/// How a cell looks. Colour is never the only carrier of meaning: every state also
/// has a symbol and a word.
public struct Style: Hashable, Sendable {
    /// Foreground colours the screen uses.
    public enum Color: Sendable, Hashable {
        case normal, green, yellow, red, cyan
    }

    /// Foreground colour.
    public var color: Color = .normal
    /// Bold.
    public var bold = false
    /// Dim.
    public var dim = false
    /// Reverse video.
    public var reverse = false

    /// Plain text.
    public static let plain = Style()

    /// Creates a style.
    public init(color: Color = .normal, bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.color = color
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
    }
}

/// One terminal cell: a grapheme and its style. A grapheme wider than one column takes
/// as many cells; the ones after the first hold an empty continuation.
public struct Cell: Hashable, Sendable {
    /// The text drawn in the cell ("" for the right half of a wide character).
    public var text: String
    /// Its style.
    public var style: Style

    /// A blank cell.
    public static let blank = Cell(text: " ", style: .plain)
}

/// A grid of cells: what `view` produces and the terminal backend draws.
public struct Screen: Equatable, Sendable {
    /// Columns and rows.
    public let width: Int
    public let height: Int
    /// Rows of cells, top to bottom.
    public private(set) var rows: [[Cell]]
    /// Where the cursor is shown (column, row), if anywhere.
    public var cursor: (column: Int, row: Int)?

    /// A blank screen.
    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        rows = Array(repeating: Array(repeating: .blank, count: max(width, 0)), count: max(height, 0))
    }

    public static func == (a: Screen, b: Screen) -> Bool {
        a.rows == b.rows && a.cursor?.column == b.cursor?.column && a.cursor?.row == b.cursor?.row
    }

    /// Writes `text` at (column, row), clipped to the row; returns the column after it.
    @discardableResult
    public mutating func put(_ text: String, column: Int, row: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard row >= 0, row < height else { return column }
        let end = min(width, limit.map { column + $0 } ?? width)
        var x = column
        for character in text {
            let cells = TextWidth.of(character)
            guard cells > 0 else { continue }
            guard x + cells <= end else { break }
            if x >= 0 {
                rows[row][x] = Cell(text: TextWidth.drawnText(character), style: style)
                for next in x + 1 ..< x + cells { rows[row][next] = Cell(text: "", style: style) }
            }
            x += cells
        }
        return x
    }

    /// Fills a row's cells from `column` to the end with `style` (for bars).
    public mutating func fill(row: Int, from column: Int = 0, style: Style) {
        guard row >= 0, row < height else { return }
        for x in max(column, 0)..<width where rows[row][x].text == " " {
            rows[row][x].style = style
        }
    }

    /// Rows that differ from `previous` (all of them when the size changed): what a
    /// terminal backend redraws.
    public func changedRows(from previous: Screen?) -> [Int] {
        guard let previous, previous.width == width, previous.height == height else { return Array(0..<height) }
        return (0..<height).filter { rows[$0] != previous.rows[$0] }
    }

    /// The screen as plain text, one line a row, trailing blanks trimmed (golden tests).
    public var text: String {
        rows.map { row in
            var line = row.map(\.text).joined()
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}

/// Terminal column widths of characters, so layout does not depend on the C locale.
///
/// A grapheme is as wide as the sum of its scalars' widths, as `wcwidth` gives them and
/// as ncurses advances its cursor: East Asian wide characters and emoji-presentation
/// scalars 2, combining marks, zero-width characters and variation selectors 0, regional
/// indicators 1 (a flag is 2), everything else 1. "❤️" is 1, "👍🏽" is 4. Emoji joined by
/// ZWJ are drawn apart (``drawnText(_:)``): terminals disagree on whether they join
/// (tmux 3.3 draws "👨‍👩‍👧" in 2 columns, ncurses counts 6), and a grid that agrees with
/// neither overflows its row.
public enum TextWidth {
    /// Columns a character takes.
    public static func of(_ character: Character) -> Int {
        // ASCII, the most frequent by far, skips the property lookups.
        if let ascii = character.asciiValue { return ascii < 0x20 || ascii == 0x7F ? 0 : 1 }
        return character.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// Columns a scalar takes (`wcwidth`'s answer, computed here).
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x300 { return 1 }
        // Arrows, box drawing, blocks and shapes (rules, `●`, `▶`): one column, and the
        // most frequent characters after ASCII.
        if (0x2190...0x21FF).contains(value) || (0x2500...0x25FF).contains(value) { return 1 }
        let category = scalar.properties.generalCategory
        if category == .nonspacingMark || category == .enclosingMark || category == .format
            || (0xFE00...0xFE0F).contains(value) || (0xE0100...0xE01EF).contains(value)
        {
            return 0
        }
        if (0x1F1E6...0x1F1FF).contains(value) { return 1 }  // regional indicators
        if scalar.properties.isEmojiPresentation { return 2 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(value) } ? 2 : 1
    }

    /// Columns a string takes.
    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// A grapheme as it is drawn: without zero-width joiners, so each emoji of a joined
    /// sequence takes the columns it is measured at, on every terminal.
    public static func drawnText(_ character: Character) -> String {
        guard character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.value == 0x200D }) else {
            return String(character)
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: character.unicodeScalars.filter { $0.value != 0x200D })
        return String(scalars)
    }
}
