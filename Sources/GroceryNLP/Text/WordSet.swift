/// A set of words that refuses most words it lacks without hashing them: it remembers
/// which first letters and which lengths its words have, and looks a word up only when
/// both are among them. The parser asks "is this one of those words?" many times per
/// token, and almost always the answer is no.
struct WordSet: Sendable, ExpressibleByArrayLiteral {
    private let words: Set<String>
    /// Bit b: some word starts with the byte whose low six bits are b.
    private let initials: UInt64
    /// Bit n: some word is n UTF-8 bytes long (63: longer).
    private let lengths: UInt64

    init<Words: Sequence<String>>(_ words: Words) {
        let words = Set(words)
        self.words = words
        initials = words.reduce(0) { $0 | Self.initialBit($1) }
        lengths = words.reduce(0) { $0 | Self.lengthBit($1) }
    }

    init(arrayLiteral elements: String...) {
        self.init(elements)
    }

    var set: Set<String> { words }
    var isEmpty: Bool { words.isEmpty }

    func contains(_ word: String) -> Bool {
        Self.initialBit(word) & initials != 0 && Self.lengthBit(word) & lengths != 0 && words.contains(word)
    }

    private static func initialBit(_ word: String) -> UInt64 {
        1 << UInt64((word.utf8.first ?? 0) & 63)
    }

    private static func lengthBit(_ word: String) -> UInt64 {
        1 << UInt64(min(word.utf8.count, 63))
    }
}
