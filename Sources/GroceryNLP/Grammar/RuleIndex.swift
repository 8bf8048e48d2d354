/// The intent rules, with the rules each first and last word can start or end,
/// so a query tries only the handful that could match, still in table order.
struct RuleIndex: Sendable {
    let rules: [IntentRule]
    private var byFirstWord: [String: [Int]] = [:]
    private var byLastWord: [String: [Int]] = [:]
    private var unfiltered: [Int] = []

    init(_ rules: [IntentRule]) {
        self.rules = rules
        for (index, rule) in rules.enumerated() {
            if let words = rule.start?.firstWords {
                for word in words.set { byFirstWord[word, default: []].append(index) }
            } else if rule.start?.matchesEmpty != false, let words = rule.end?.lastWords {
                for word in words.set { byLastWord[word, default: []].append(index) }
            } else {
                unfiltered.append(index)
            }
        }
    }

    /// The first rule that matches `tokens`, with the range of its item words.
    func firstMatch(_ tokens: [Token]) -> (IntentRule, Range<Int>)? {
        guard let first = tokens.first?.text, let last = tokens.last?.text else { return nil }
        let words = tokens.map(\.text)[...]
        // The three candidate lists are each in table order: merged as they are walked.
        let lists = (byFirstWord[first] ?? [], byLastWord[last] ?? [], unfiltered)
        var (a, b, c) = (0, 0, 0)
        let none = Int.max
        while true {
            let index = min(a < lists.0.count ? lists.0[a] : none, b < lists.1.count ? lists.1[b] : none, c < lists.2.count ? lists.2[c] : none)
            guard index != none else { return nil }
            if a < lists.0.count, lists.0[a] == index { a += 1 }
            if b < lists.1.count, lists.1[b] == index { b += 1 }
            if c < lists.2.count, lists.2[c] == index { c += 1 }
            let rule = rules[index]
            guard let range = rule.match(words) else { continue }
            if rule.needsQuantity && !tokens[range].contains(where: { $0.isNumber || Lexicon.numberWords[$0.text] != nil }) {
                continue
            }
            return (rule, range)
        }
    }
}
