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
