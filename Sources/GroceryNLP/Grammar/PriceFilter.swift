/// Reads "under $5", "less than 5 dollars", "$3.50 or less" and takes those words out.
enum PriceFilter {
    private static let before = Pattern(
        "(for|at|priced|costing|that_cost|that_costs|which_cost|with_a_price|price|prices|cost|costs|price_is|the_price_is|if_the_price_is|if_its|if_it_is|if_theyre|if_they_are|as_long_as_its|only_if_its)? (under|below|beneath|max|maximum|within|upto|up_to|less_than|cheaper_than|lower_than|no_more_than|not_more_than|at_most|not_over|no_higher_than|not_above|nothing_over|nothing_above|nothing_more_than|none_over|not_over|no_over|pay_more_than|spend_more_than|pay_over|spend_over|paying_more_than|less_then|cheaper_then|lesser_than|<|under_than|max_of|maximum_of|a_max_of|budget_of|budget)")
    private static let after = [
        Pattern("(or|and) (less|under|below|cheaper|lower)"), Pattern("max|maximum|tops|at_most|max_price|or_lower"),
    ]
    private static let currencyWords: Set<String> = ["dollars", "dollar", "bucks", "buck", "usd", "$"]
    /// Words without which no price is read (a number aside).
    private static let triggers = WordSet((before.firstWords?.set ?? []).union(currencyWords).union(moneyWords.keys))
    /// What a price is said per, after the amount.
    private static let perUnit: Set<String> = ["pound", "lb", "lbs", "each", "ea", "apiece", "piece", "item", "one", "pack", "box", "bag", "bottle", "can"]
    /// Money said as a word: "a fiver", "a tenner".
    private static let moneyWords: [String: Double] = ["fiver": 5, "tenner": 10]

    /// The amount at `index`: digits, or a number word with a currency word after it
    /// ("ten dollars", "three bucks"; "under half a pound" is no price).
    private static func amount(_ tokens: [Token], at index: Int) -> Double? {
        if let number = tokens[index].number { return number }
        guard index + 1 < tokens.count, currencyWords.contains(tokens[index + 1].text) else { return nil }
        return ["a", "an"].contains(tokens[index].text) ? 1 : Lexicon.numberWords[tokens[index].text]
    }

    private static let tens: Set<String> = ["ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    /// Cents said after the dollars, at `index`: "(a dollar) fifty", "(four) ninety nine",
    /// "(2 dollars) and a half", "(3 dollars) and 25 cents". The amount and the words used.
    private static func cents(_ tokens: [Token], at index: Int, afterCurrency: Bool) -> (value: Double, length: Int)? {
        var position = index
        let joined = position < tokens.count && tokens[position].text == "and"
        if joined { position += 1 }
        guard position < tokens.count else { return nil }
        if joined {
            if tokens[position].text == "a", position + 1 < tokens.count, tokens[position + 1].text == "half" { return (0.5, position + 2 - index) }
            if tokens[position].text == "half" { return (0.5, position + 1 - index) }
        }
        var value: Double
        if tens.contains(tokens[position].text), let word = Lexicon.numberWords[tokens[position].text] {
            value = word
            position += 1
            if position < tokens.count, let unit = Lexicon.numberWords[tokens[position].text], unit >= 1, unit <= 9, unit == unit.rounded() {
                value += unit
                position += 1
            }
        } else if afterCurrency || joined, let number = tokens[position].number, tokens[position].isNumber, number >= 1, number <= 99,
            number == number.rounded(), !tokens[position].text.contains(".")
        {
            value = number
            position += 1
        } else {
            return nil
        }
        let saysCents = position < tokens.count && ["cents", "cent", "c"].contains(tokens[position].text)
        // "and 25" is cents only when "cents" is said ("under 5 dollars and 2 lemons").
        if joined && !saysCents { return nil }
        if saysCents { position += 1 }
        return (value / 100, position - index)
    }

    /// The maximum price and the tokens without the filter words.
    static func extract(_ input: [Token]) -> (maxPrice: Double?, tokens: [Token]) {
        // Most queries say no price: no number, no money word, no word a limit starts with.
        guard input.contains(where: { $0.number != nil || triggers.contains($0.text) }) else { return (nil, input) }
        // "a fiver" is "$5".
        var tokens: [Token] = []
        for token in input {
            if let value = moneyWords[token.text] {
                if tokens.last?.text == "a" { tokens.removeLast() }
                tokens.append(Token(text: "$\(Int(value))", number: value, isMoney: true))
            } else {
                tokens.append(token)
            }
        }
        let words = tokens.map(\.text)[...]
        for start in tokens.indices {
            guard let length = before.longestMatch(words, from: start), length > 0 else { continue }
            var amountIndex = start + length
            // "under like six dollars", "under about $5"
            if amountIndex + 1 < tokens.count, ["like", "about", "around", "maybe", "roughly", "say"].contains(tokens[amountIndex].text) { amountIndex += 1 }
            // "within my $15 budget", "under a $10 limit"
            if amountIndex + 1 < tokens.count, ["my", "a", "the", "our", "your"].contains(tokens[amountIndex].text), tokens[amountIndex + 1].isMoney {
                amountIndex += 1
            }
            // "if the price is under five": said as a price, a bare number word is money.
            let saidPrice = words[start..<amountIndex].contains { ["price", "prices", "cost", "costs", "priced"].contains($0) }
            // "nothing over four fifty": dollars and cents as words.
            var dollarsAndCents: Double?
            if amountIndex + 1 < tokens.count, tens.contains(tokens[amountIndex + 1].text), let dollars = Lexicon.numberWords[tokens[amountIndex].text],
                dollars >= 1, dollars <= 19, dollars == dollars.rounded()
            {
                dollarsAndCents = dollars
            }
            guard amountIndex < tokens.count,
                var amount = amount(tokens, at: amountIndex) ?? dollarsAndCents ?? (saidPrice ? Lexicon.numberWords[tokens[amountIndex].text] : nil)
            else { continue }
            var end = amountIndex + 1
            if end < tokens.count, ["budget", "limit", "max", "maximum", "cap"].contains(tokens[end].text), tokens[amountIndex].isMoney { end += 1 }
            let hasCurrencyWord = end < tokens.count && currencyWords.contains(tokens[end].text)
            if hasCurrencyWord { end += 1 }
            if amount == amount.rounded(), tokens[amountIndex].isMoney || hasCurrencyWord || dollarsAndCents != nil,
                let (cents, length) = cents(tokens, at: end, afterCurrency: hasCurrencyWord)
            {
                amount += cents
                end += length
            }
            // "$10 a pound", "$2/lb", "3 dollars each": the price of one, which is what a price is.
            if tokens[amountIndex].isMoney || hasCurrencyWord {
                if end < tokens.count, ["a", "per", "an", "the"].contains(tokens[end].text), end + 1 < tokens.count,
                    Self.perUnit.contains(tokens[end + 1].text)
                {
                    end += 2
                } else if end < tokens.count, Self.perUnit.contains(tokens[end].text) {
                    end += 1
                }
            }
            // "up to 8" is a price only with money in it ("bump the limes up to 8" is a count).
            if words[start..<amountIndex].contains("up") || words[start..<amountIndex].contains("upto"), !tokens[amountIndex].isMoney, !hasCurrencyWord {
                continue
            }
            // "under 2 lbs" is a weight, not a price.
            if !tokens[amountIndex].isMoney && !hasCurrencyWord && end < tokens.count && Lexicon.units[tokens[end].text] != nil {
                continue
            }
            guard amount.isFinite, amount > 0 else { continue }
            var rest = tokens
            rest.removeSubrange(start..<end)
            return (amount, rest)
        }
        // "$4 or less", "17 dollars tops", "three bucks or less".
        // A plain amount with cents ("if it's 4.50 max") is money too.
        func looksLikeCents(_ token: Token) -> Bool {
            token.isNumber && token.text.split(separator: ".").last.map { $0.count == 2 && token.text.contains(".") } == true
        }
        for index in tokens.indices
        where tokens[index].isMoney || looksLikeCents(tokens[index])
            || (amount(tokens, at: index) != nil && index + 1 < tokens.count && currencyWords.contains(tokens[index + 1].text))
        {
            let amountEnd = tokens[index].isMoney || looksLikeCents(tokens[index]) ? index + 1 : index + 2
            if let length = after.lazy.compactMap({ $0.longestMatch(words, from: amountEnd) }).first, length > 0,
                let amount = amount(tokens, at: index),
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
