/// Which first letters and which lengths a group of words has: a word outside both is
/// not among them, found without hashing it. The parser asks "is this one of those
/// words?" many times per token, and almost always the answer is no.
struct WordFilter: Sendable {
    /// Bit b: some word starts with a byte whose low six bits are b.
    private var initials: UInt64 = 0
    /// Bit n: some word is n UTF-8 bytes long (63: longer).
    private var lengths: UInt64 = 0

    init<Words: Sequence<String>>(_ words: Words) {
        for word in words {
            initials |= Self.initialBit(word)
            lengths |= Self.lengthBit(word)
        }
    }

    /// False only when `word` is surely not one of the words.
    func mayContain(_ word: String) -> Bool {
        Self.initialBit(word) & initials != 0 && Self.lengthBit(word) & lengths != 0
    }

    private static func initialBit(_ word: String) -> UInt64 {
        1 << UInt64((word.utf8.first ?? 0) & 63)
    }

    private static func lengthBit(_ word: String) -> UInt64 {
        1 << UInt64(min(word.utf8.count, 63))
    }
}

/// A set of words behind a ``WordFilter``.
struct WordSet: Sendable, ExpressibleByArrayLiteral {
    let set: Set<String>
    private let filter: WordFilter

    init<Words: Sequence<String>>(_ words: Words) {
        set = Set(words)
        filter = WordFilter(set)
    }

    init(arrayLiteral elements: String...) {
        self.init(elements)
    }

    func contains(_ word: String) -> Bool {
        filter.mayContain(word) && set.contains(word)
    }
}

/// A table keyed by words, behind a ``WordFilter``.
struct WordMap<Value: Sendable>: Sendable, ExpressibleByDictionaryLiteral {
    let table: [String: Value]
    private let filter: WordFilter

    init(_ table: [String: Value]) {
        self.table = table
        filter = WordFilter(table.keys)
    }

    init(dictionaryLiteral elements: (String, Value)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { first, _ in first }))
    }

    subscript(word: String) -> Value? {
        filter.mayContain(word) ? table[word] : nil
    }
}
