/// A tiny word pattern: `"how much (is|are)? the?"`.
///
/// Elements are separated by spaces; `a|b` are alternatives (parentheses optional),
/// a trailing `?` makes an element optional, and `_` joins words inside one
/// alternative (`it_all` matches "it all").
///
/// Matching is a depth-first walk without allocation; the words a match can begin
/// and end with are precomputed so most attempts are refused by one set lookup.
/// A class (immutable), so the loops over pattern tables copy one reference, not four.
final class Pattern: Sendable, CustomStringConvertible {
    private struct Element: Sendable {
        var alternatives: [[String]]
        var optional: Bool
    }

    private let elements: [Element]
    /// Words a non-empty match can start with; nil when any word could.
    let firstWords: WordSet?
    /// Words a non-empty match can end with; nil when any word could.
    let lastWords: WordSet?
    /// Whether the pattern matches zero words.
    let matchesEmpty: Bool
    /// The most words a match can span.
    let maxLength: Int
    /// Words one of which every non-empty match holds: the first words of its first
    /// required element (empty when every element is optional).
    let anchorWords: Set<String>
    let description: String

    init(_ source: String) {
        description = source
        let elements = source.split(separator: " ").map { raw in
            var text = Substring(raw)
            let optional = text.hasSuffix("?")
            if optional { text = text.dropLast() }
            if text.hasPrefix("(") && text.hasSuffix(")") { text = text.dropFirst().dropLast() }
            let alternatives = text.split(separator: "|").map { $0.split(separator: "_").map(String.init) }
            return Element(alternatives: alternatives, optional: optional)
        }
        self.elements = elements
        matchesEmpty = elements.allSatisfy(\.optional)
        anchorWords = Set(elements.first { !$0.optional }?.alternatives.compactMap(\.first) ?? [])
        maxLength = elements.reduce(0) { total, element in total + (element.alternatives.map(\.count).max() ?? 0) }
        firstWords = Self.edgeWords(elements, first: true)
        lastWords = Self.edgeWords(elements.reversed(), first: false)
    }

    /// The union of the edge words of elements up to and including the first required one.
    private static func edgeWords<Elements: Sequence<Element>>(_ elements: Elements, first: Bool) -> WordSet? {
        var words: Set<String> = []
        for element in elements {
            for alternative in element.alternatives {
                if let word = first ? alternative.first : alternative.last { words.insert(word) }
            }
            if !element.optional { return WordSet(words) }
        }
        return nil
    }

    /// Every length of a match that starts at `start`, longest first.
    func matchLengths(_ words: ArraySlice<String>, from start: Int) -> [Int] {
        var ends: [Int] = []
        if start < words.endIndex, let firstWords, !firstWords.contains(words[start]) {
            return matchesEmpty ? [0] : []
        }
        walk(words, element: 0, position: start) { end in
            if !ends.contains(end) { ends.append(end) }
            return false
        }
        return ends.map { $0 - start }.sorted(by: >)
    }

    /// The longest match at `start`, if any.
    func longestMatch(_ words: ArraySlice<String>, from start: Int) -> Int? {
        if start < words.endIndex, let firstWords, !firstWords.contains(words[start]) {
            return matchesEmpty ? 0 : nil
        }
        var longest: Int?
        walk(words, element: 0, position: start) { end in
            longest = max(longest ?? 0, end - start)
            return false
        }
        return longest
    }

    /// Whether the pattern matches exactly `words[start..<end]`.
    func matches(_ words: ArraySlice<String>, from start: Int, to end: Int) -> Bool {
        if start == end { return matchesEmpty }
        if let firstWords, !firstWords.contains(words[start]) { return false }
        if let lastWords, !lastWords.contains(words[end - 1]) { return false }
        var found = false
        walk(words[..<end], element: 0, position: start) { reached in
            found = reached == end
            return found
        }
        return found
    }

    /// Whether the whole of `words` matches.
    func matchesAll(_ words: ArraySlice<String>) -> Bool {
        matches(words, from: words.startIndex, to: words.endIndex)
    }

    /// Where the suffixes of `words` that the pattern matches exactly begin, longest first
    /// (`words.endIndex` when it may match nothing).
    func suffixStarts(_ words: ArraySlice<String>) -> [Int] {
        if let last = words.last, let lastWords, !lastWords.contains(last) {
            return matchesEmpty ? [words.endIndex] : []
        }
        // No match is longer than the pattern, so only the last `maxLength` starts can match.
        let earliest = max(words.startIndex, words.endIndex - maxLength)
        return (earliest...words.endIndex).filter { matches(words, from: $0, to: words.endIndex) }
    }

    /// Calls `reached` with the end of every match; stops when it returns true.
    @discardableResult
    private func walk(_ words: ArraySlice<String>, element: Int, position: Int, reached: (Int) -> Bool) -> Bool {
        guard element < elements.count else { return reached(position) }
        if elements[element].optional, walk(words, element: element + 1, position: position, reached: reached) { return true }
        for alternative in elements[element].alternatives {
            guard position + alternative.count <= words.endIndex else { continue }
            var matched = true
            for (offset, word) in alternative.enumerated() where words[position + offset] != word {
                matched = false
                break
            }
            if matched, walk(words, element: element + 1, position: position + alternative.count, reached: reached) {
                return true
            }
        }
        return false
    }
}
