import GroceryProtocol

/// A quantity and unit said around a product phrase.
struct SaidQuantity: Equatable, Sendable {
    var value: Double?
    var unit: QuantityUnit?
    /// The product words left once quantity and unit are taken off.
    var words: [Token]
}

/// Reads "2 gallons of", "a couple of", "half a", "1 1/2 lb", "x6", "twenty five" …
enum QuantityParser {
    static func parse(_ tokens: [Token]) -> SaidQuantity {
        var index = 0
        var value = leadingNumber(tokens, at: &index)
        var unit: QuantityUnit?

        // "2 x milk", "2 times"
        if value != nil, index < tokens.count, tokens[index].text == "x" || tokens[index].text == "times" {
            index += 1
        }
        if index < tokens.count, let said = unitWord(tokens, at: index, afterNumber: value != nil) ?? leadingContainer(tokens, at: index) {
            unit = said
            index += 1
            // "a pound and a half of salmon"
            if let whole = value, index + 2 < tokens.count, tokens[index].text == "and", tokens[index + 1].text == "a", tokens[index + 2].text == "half" {
                value = whole + 0.5
                index += 3
            }
            // "a 12 pack of cola": the number was the pack size, "a" the count.
        } else if value == 1, index + 1 < tokens.count, tokens[index].isNumber,
            let said = Lexicon.units[tokens[index + 1].text]
        {
            unit = said
            index += 2
        }
        while index < tokens.count, ["of", "the"].contains(tokens[index].text), index + 1 < tokens.count {
            index += 1
        }

        var words = Array(tokens[index...])
        // Trailing "x6", "times 2", "2 dozen", "3".
        if value == nil, let trailing = trailingQuantity(&words) {
            value = trailing.value
            unit = unit ?? trailing.unit
        }
        return SaidQuantity(value: value, unit: unit, words: words)
    }

    /// Whether the tokens start with something that reads as a quantity.
    static func startsWithQuantity(_ tokens: ArraySlice<Token>) -> Bool {
        var index = 0
        return leadingNumber(Array(tokens), at: &index) != nil
    }

    /// Containers said first without "of" by hurried typists ("bunch cilantro", "bag rice",
    /// "loaf wheat bread"): a unit when a word follows that is not a unit itself.
    private static let leadingContainers: Set<QuantityUnit> = [.bunch, .bag, .box, .jar, .bottle, .loaf, .carton, .gallon, .quart, .pint, .dozen]

    private static func leadingContainer(_ tokens: [Token], at index: Int) -> QuantityUnit? {
        guard index == 0 || (index == 1 && ["a", "an", "one"].contains(tokens[0].text)), index + 1 < tokens.count,
            !tokens[index].isSize, let unit = Lexicon.units[tokens[index].text], leadingContainers.contains(unit),
            Lexicon.units[tokens[index + 1].text] == nil, !tokens[index + 1].isNumber
        else { return nil }
        return unit
    }

    private static let fractionWords: [String: Double] = ["quarters": 4, "thirds": 3, "quarter": 4, "third": 3]

    private static func unitWord(_ tokens: [Token], at index: Int, afterNumber: Bool) -> QuantityUnit? {
        let word = tokens[index].text
        guard !tokens[index].isSize, let unit = Lexicon.units[word] else { return nil }
        if afterNumber { return unit }
        let nextIsOf = index + 1 < tokens.count && tokens[index + 1].text == "of"
        if Lexicon.unitsOnlyAfterNumbers.contains(word) { return nil }
        // "bag of rice", "dozen eggs"; a bare "box" or "head" may be the product itself.
        return nextIsOf || unit == .dozen ? unit : nil
    }

    /// A number at `index`: digits (with a following fraction "1 1/2"), number words
    /// ("twenty five", "a hundred"), or a quantity phrase ("a couple of").
    private static func leadingNumber(_ tokens: [Token], at index: inout Int) -> Double? {
        guard index < tokens.count else { return nil }
        // "three quarters of a pound", "two thirds of a gallon": a fraction said in words.
        if index + 1 < tokens.count, let parts = fractionWords[tokens[index + 1].text],
            let count = tokens[index].isNumber ? tokens[index].number : Lexicon.numberWords[tokens[index].text], count >= 1, count < parts,
            index + 2 < tokens.count, tokens[index + 2].text == "of" || Lexicon.units[tokens[index + 2].text] != nil
        {
            index += 2
            if index < tokens.count, tokens[index].text == "of" { index += 1 }
            if index < tokens.count, ["a", "an"].contains(tokens[index].text) { index += 1 }
            return count / parts
        }
        if tokens[index].isNumber, let number = tokens[index].number {
            index += 1
            if index < tokens.count, tokens[index].isNumber, let fraction = tokens[index].number, fraction > 0, fraction < 1,
                tokens[index].text.contains("/")
            {
                index += 1
                return number + fraction
            }
            // "1 and a half pounds", "2 and half"
            if index + 1 < tokens.count, tokens[index].text == "and", number == number.rounded() {
                let a = tokens[index + 1].text == "a" ? 1 : 0
                if index + 1 + a < tokens.count, let part = ["half": 0.5, "quarter": 0.25][tokens[index + 1 + a].text] {
                    index += 2 + a
                    return number + part
                }
            }
            return number
        }
        if let words = numberWords(tokens, at: &index) { return words }
        // Most words start no quantity phrase: refuse them before copying the words.
        guard Lexicon.quantityPhraseStarts.contains(tokens[index].text) else { return nil }
        let words = tokens.map(\.text)[...]
        for (pattern, value) in Lexicon.quantityPhrases {
            guard let length = pattern.longestMatch(words, from: index), length > 0 else { continue }
            // "a" is a count only before a product, unit or number, not "a la carte".
            index += length
            if value == 0.5, index < tokens.count, let unit = Lexicon.units[tokens[index].text], unit == .dozen {
                return 0.5
            }
            return value
        }
        return nil
    }

    /// "twenty five" → 25, "two hundred" → 200, "a hundred" → 100; "half" only before a unit.
    private static func numberWords(_ tokens: [Token], at index: inout Int) -> Double? {
        guard !tokens[index].isSize else { return nil }
        var position = index
        if tokens[position].text == "a" || tokens[position].text == "an",
            position + 1 < tokens.count, ["hundred", "thousand", "million", "billion"].contains(tokens[position + 1].text)
        {
            position += 1
        }
        guard let first = Lexicon.numberWords[tokens[position].text] else { return nil }
        if first < 1, first > 0 {
            // "half gallon" but not "half and half"
            guard position + 1 < tokens.count, Lexicon.units[tokens[position + 1].text] != nil else { return nil }
            index = position + 1
            return first
        }
        var total = first
        position += 1
        while position < tokens.count, let next = Lexicon.numberWords[tokens[position].text], next >= 1 {
            if next >= 100 { total *= next } else if total >= 20, total.truncatingRemainder(dividingBy: 10) == 0, next < 10 { total += next } else { break }
            position += 1
        }
        if position < tokens.count, tokens[position].text == "and", position + 2 < tokens.count,
            tokens[position + 1].text == "a", tokens[position + 2].text == "half"
        {
            total += 0.5
            position += 3
        }
        index = position
        return total
    }

    private static func trailingQuantity(_ words: inout [Token]) -> (value: Double, unit: QuantityUnit?)? {
        guard words.count >= 2 else { return nil }
        var end = words.count
        var unit: QuantityUnit?
        if !words[end - 1].isSize, let last = Lexicon.units[words[end - 1].text], words[end - 2].isNumber {
            unit = last
            end -= 1
        }
        guard words[end - 1].isNumber, let value = words[end - 1].number else { return nil }
        var start = end - 1
        if start > 0, ["x", "times", "*", "qty", "quantity"].contains(words[start - 1].text) { start -= 1 }
        guard start > 0 else { return nil }
        words.removeSubrange(start...)
        return (value, unit)
    }
}
