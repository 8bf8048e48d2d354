/// A tiny word pattern: `"how much (is|are)? the?"`.
///
/// Elements are separated by spaces; `a|b` are alternatives (parentheses optional),
/// a trailing `?` makes an element optional, and `_` joins words inside one
/// alternative (`it_all` matches "it all").
struct Pattern: Sendable, CustomStringConvertible {
    private struct Element: Sendable {
        var alternatives: [[String]]
        var optional: Bool
    }

    private let elements: [Element]
    let description: String

    init(_ source: String) {
        description = source
        elements = source.split(separator: " ").map { raw in
            var text = Substring(raw)
            let optional = text.hasSuffix("?")
            if optional { text = text.dropLast() }
            if text.hasPrefix("(") && text.hasSuffix(")") { text = text.dropFirst().dropLast() }
            let alternatives = text.split(separator: "|").map { $0.split(separator: "_").map(String.init) }
            return Element(alternatives: alternatives, optional: optional)
        }
    }

    /// Every length of a match that starts at `start`, longest first.
    func matchLengths(_ words: ArraySlice<String>, from start: Int) -> [Int] {
        var ends: Set<Int> = []
        walk(words, element: 0, position: start, into: &ends)
        return ends.map { $0 - start }.sorted(by: >)
    }

    /// The longest match at `start`, if any.
    func longestMatch(_ words: ArraySlice<String>, from start: Int) -> Int? {
        matchLengths(words, from: start).first
    }

    /// Whether the whole of `words` matches.
    func matchesAll(_ words: ArraySlice<String>) -> Bool {
        matchLengths(words, from: words.startIndex).contains(words.count)
    }

    /// Where the suffixes of `words` that the pattern matches exactly begin, longest first
    /// (`words.endIndex` when it may match nothing).
    func suffixStarts(_ words: ArraySlice<String>) -> [Int] {
        (words.startIndex...words.endIndex).filter { start in
            matchLengths(words, from: start).contains(words.endIndex - start)
        }
    }

    private func walk(_ words: ArraySlice<String>, element: Int, position: Int, into ends: inout Set<Int>) {
        guard element < elements.count else {
            ends.insert(position)
            return
        }
        let current = elements[element]
        if current.optional { walk(words, element: element + 1, position: position, into: &ends) }
        for alternative in current.alternatives {
            guard position + alternative.count <= words.endIndex else { continue }
            var matched = true
            for (offset, word) in alternative.enumerated() where words[position + offset] != word {
                matched = false
                break
            }
            if matched { walk(words, element: element + 1, position: position + alternative.count, into: &ends) }
        }
    }
}
