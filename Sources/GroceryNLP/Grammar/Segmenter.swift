/// Splits item text into one token list per item: at commas and joiners ("and",
/// "plus", "with"), and before a new number ("2 milk 3 eggs"), but never inside a
/// catalog phrase that holds a joiner ("half and half", "mac and cheese").
struct Segmenter: Sendable {
    /// For each joiner, the catalog phrases (stemmed) that hold it and where.
    private let protectingPhrases: [String: [(phrase: [String], offset: Int)]]

    /// `joinerPhrases`: stemmed catalog phrases that hold a joiner ("half and half").
    init(joinerPhrases: [[String]]) {
        var protecting: [String: [(phrase: [String], offset: Int)]] = [:]
        for phrase in joinerPhrases {
            for (offset, word) in phrase.enumerated() where Grammar.joiners.contains(word) {
                protecting[word, default: []].append((phrase, offset))
            }
        }
        protectingPhrases = protecting
    }

    /// One item's tokens, and the quantity read from them (read once, here, since
    /// merging bare quantities needs it anyway).
    struct Segment {
        var tokens: [Token]
        var said: SaidQuantity
    }

    func split(_ tokens: [Token], splitAtNumbers: Bool) -> [Segment] {
        let tokens = collapseJoinerPhrases(tokens)
        let words = tokens.map(\.text)
        // Stemmed once, and only when a joiner is there to be protected.
        lazy var stems = words.map(Stemmer.stem)
        var segments: [[Token]] = []
        var current: [Token] = []
        for (index, token) in tokens.enumerated() {
            let isJoiner = Grammar.joiners.contains(token.text) && !isProtected(words, stems: &stems, at: index)
                && !(token.text == "and" && words.dropFirst(index + 1).starts(with: ["a", "half"]))  // "one and a half"
                && !(token.text == "and" && index > 0 && tokens[index - 1].isNumber && words.dropFirst(index + 1).first == "half")  // "2 and half"
            if token.isSeparator || isJoiner {
                segments.append(current)
                current = []
                continue
            }
            if splitAtNumbers, token.isNumber, let previous = current.last, startsNewItem(after: previous, token) {
                segments.append(current)
                current = []
            }
            current.append(token)
        }
        segments.append(current)
        // A part that is only a joining word (", but only if …" once the price is out) names nothing.
        let named = segments.map(trim).filter { !$0.isEmpty && !($0.count == 1 && Grammar.itemLeadIns[0].matchesAll([$0[0].text][...])) }
        return mergeBareQuantities(named)
    }

    /// Lead-in and tail words off one segment ("to get some milk to my cart" → "milk").
    func trim(_ segment: [Token]) -> [Token] {
        var tokens = segment
        var changed = true
        while changed {
            changed = false
            let words = tokens.map(\.text)[...]
            for pattern in Grammar.itemLeadIns {
                if let length = pattern.longestMatch(words, from: 0), length > 0, length < tokens.count {
                    tokens.removeFirst(length)
                    changed = true
                    break
                }
            }
            if changed { continue }
            for pattern in Grammar.itemTails {
                if let start = pattern.suffixStarts(words).first(where: { $0 > 0 && $0 < tokens.count }) {
                    tokens.removeSubrange(start...)
                    changed = true
                    break
                }
            }
        }
        return tokens
    }

    private func collapseJoinerPhrases(_ tokens: [Token]) -> [Token] {
        var result: [Token] = []
        var index = 0
        let words = tokens.map(\.text)[...]
        while index < tokens.count {
            if let length = Grammar.joinerPhrases.lazy.compactMap({ $0.longestMatch(words, from: index) }).first, length > 0 {
                result.append(Token(text: "and"))
                index += length
            } else {
                result.append(tokens[index])
                index += 1
            }
        }
        return result
    }

    private func isProtected(_ words: [String], stems: inout [String], at index: Int) -> Bool {
        for (phrase, offset) in protectingPhrases[words[index]] ?? [] {
            let start = index - offset
            guard start >= 0, start + phrase.count <= words.count else { continue }
            if stems[start..<start + phrase.count].elementsEqual(phrase) { return true }
        }
        return false
    }

    private func startsNewItem(after previous: Token, _ number: Token) -> Bool {
        if previous.isNumber { return false }
        if ["x", "times", "of", "to", "at", "and", "a", "an", "be", "is", "qty", "quantity", "me", "us", "basket", "cart"].contains(previous.text) { return false }
        return Lexicon.units[previous.text] == nil && Lexicon.numberWords[previous.text] == nil
    }

    /// "eggs, 2 dozen" or "apples 3": a segment that is only a quantity belongs to the one before.
    private func mergeBareQuantities(_ segments: [[Token]]) -> [Segment] {
        var result: [Segment] = []
        var previousHasQuantity = true
        for segment in segments {
            if SizeWords.isOnlySize(segment), let previous = result.last {
                result[result.count - 1] = Segment(tokens: previous.tokens + segment, said: QuantityParser.parse(previous.tokens + segment))
                continue
            }
            let parsed = QuantityParser.parse(segment)
            if parsed.value != nil, parsed.words.isEmpty, let previous = result.last, !previousHasQuantity {
                let merged = segment + previous.tokens
                result[result.count - 1] = Segment(tokens: merged, said: QuantityParser.parse(merged))
                previousHasQuantity = true
            } else {
                result.append(Segment(tokens: segment, said: parsed))
                previousHasQuantity = parsed.value != nil
            }
        }
        return result
    }
}
