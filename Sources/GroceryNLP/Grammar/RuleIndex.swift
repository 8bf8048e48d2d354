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
                for word in words { byFirstWord[word, default: []].append(index) }
            } else if rule.start?.matchesEmpty != false, let words = rule.end?.lastWords {
                for word in words { byLastWord[word, default: []].append(index) }
            } else {
                unfiltered.append(index)
            }
        }
    }

    /// The first rule that matches `tokens`, with the range of its item words.
    func firstMatch(_ tokens: [Token]) -> (IntentRule, Range<Int>)? {
        guard let first = tokens.first?.text, let last = tokens.last?.text else { return nil }
        let words = tokens.map(\.text)[...]
        var candidates = (byFirstWord[first] ?? []) + (byLastWord[last] ?? []) + unfiltered
        candidates.sort()
        var previous = -1
        for index in candidates where index != previous {
            previous = index
            let rule = rules[index]
            guard let range = rule.match(words) else { continue }
            if rule.needsQuantity && !tokens[range].contains(where: { $0.isNumber || Lexicon.numberWords[$0.text] != nil }) {
                continue
            }
            return (rule, range)
        }
        return nil
    }
}
