/// Clean-up of a whole query before the intent rules run.
enum Utterance {
    /// Courtesy words out, leading and trailing fillers off, "instead of 2" cut to "instead".
    static func clean(_ tokens: [Token]) -> [Token] {
        var tokens = tokens.filter { !Grammar.courtesy.contains($0.text) }
        if let instead = tokens.firstIndex(where: { $0.text == "instead" || $0.text == "rather" }),
            instead + 1 < tokens.count, ["of", "than"].contains(tokens[instead + 1].text)
        {
            // "5 instead of 3" is a new total; "fuji apples instead of the gala" is a choice:
            // what is wanted stays, what it replaces goes.
            let replaced = tokens[(instead + 2)...].first { !["the", "a", "an", "my", "those", "that"].contains($0.text) }
            let isCount = replaced.map { $0.isNumber || Lexicon.numberWords[$0.text] != nil || ["however", "what", "whatever", "how"].contains($0.text) } ?? true
            tokens.removeSubrange((isCount ? instead + 1 : instead)..<tokens.count)
            if isCount { tokens[instead] = Token(text: "instead") }
        }
        var changed = true
        while changed {
            changed = false
            while tokens.first?.isSeparator == true { tokens.removeFirst(); changed = true }
            while tokens.last?.isSeparator == true { tokens.removeLast(); changed = true }
            let words = tokens.map(\.text)[...]
            for pattern in Grammar.leadingFillers {
                if let length = pattern.longestMatch(words, from: 0), length > 0, length < tokens.count {
                    tokens.removeFirst(length)
                    changed = true
                    break
                }
            }
            if changed { continue }
            for pattern in Grammar.trailingFillers {
                if let start = pattern.suffixStarts(words).first(where: { $0 > 0 && $0 < tokens.count }) {
                    tokens.removeSubrange(start...)
                    changed = true
                    break
                }
            }
        }
        if tokens.count == 1, Grammar.leadingFillers[0].matchesAll(tokens.map(\.text)[...]) { return [] }
        return tokens
    }
}

extension Utterance {
    /// Words before "like" that make it a verb or a comparison ("i like", "would like",
    /// "anything like"): there it is kept.
    private static let likeKeepers: Set<String> = [
        "i", "id", "we", "wed", "you", "u", "they", "would", "d", "dont", "doesnt", "didnt", "do", "does", "really", "also",
        "still", "anything", "something", "feel", "feels", "looks", "look", "tastes", "taste", "sounds", "kinda", "wouldnt", "not",
    ]

    /// Spoken hedges out: "like" as a filler ("a frozen pizza thats like less than five
    /// bucks", "um like two pounds of bananas", "in like the bakery"), before the price
    /// and the quantities are read.
    static func dropHedges(_ tokens: [Token]) -> [Token] {
        guard tokens.contains(where: { $0.text == "like" }) else { return tokens }
        var kept: [Token] = []
        kept.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            if token.text == "like", index + 1 < tokens.count, !(kept.last.map { likeKeepers.contains($0.text) } ?? false) {
                continue
            }
            kept.append(token)
        }
        return kept
    }
}
