/// Reads "under $5", "less than 5 dollars", "$3.50 or less" and takes those words out.
enum PriceFilter {
    private static let before = Pattern(
        "(for|at|priced|costing|that_cost|that_costs|which_cost|with_a_price)? (under|below|beneath|max|maximum|within|upto|up_to|less_than|cheaper_than|lower_than|no_more_than|not_more_than|at_most|not_over|no_higher_than|not_above|less_then|cheaper_then|lesser_than|<|under_than|max_of|maximum_of|a_max_of|budget_of|budget)")
    private static let after = [
        Pattern("(or|and) (less|under|below|cheaper|lower)"), Pattern("max|maximum|tops|at_most|max_price|or_lower"),
    ]
    private static let currencyWords: Set<String> = ["dollars", "dollar", "bucks", "buck", "usd", "$"]

    /// The maximum price and the tokens without the filter words.
    static func extract(_ tokens: [Token]) -> (maxPrice: Double?, tokens: [Token]) {
        let words = tokens.map(\.text)[...]
        for start in tokens.indices {
            guard let length = before.longestMatch(words, from: start), length > 0 else { continue }
            let amountIndex = start + length
            guard amountIndex < tokens.count, let amount = tokens[amountIndex].number else { continue }
            var end = amountIndex + 1
            let hasCurrencyWord = end < tokens.count && currencyWords.contains(tokens[end].text)
            if hasCurrencyWord { end += 1 }
            // "under 2 lbs" is a weight, not a price.
            if !tokens[amountIndex].isMoney && !hasCurrencyWord && end < tokens.count && Lexicon.units[tokens[end].text] != nil {
                continue
            }
            guard amount.isFinite, amount > 0 else { continue }
            var rest = tokens
            rest.removeSubrange(start..<end)
            return (amount, rest)
        }
        for index in tokens.indices where tokens[index].isMoney {
            let amountEnd = index + 1
            if let length = after.lazy.compactMap({ $0.longestMatch(words, from: amountEnd) }).first, length > 0,
                let amount = tokens[index].number,
                amount.isFinite, amount > 0
            {
                var rest = tokens
                rest.removeSubrange(index..<amountEnd + length)
                return (amount, rest)
            }
        }
        return (nil, tokens)
    }
}
