import Foundation

/// Splits a query into ``Token``s: lowercase, diacritics folded, punctuation dropped,
/// numbers (digits, decimals, fractions, "½", "$5") recognised, "2lb"/"x6" split.
enum Tokenizer {
    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        // UTF-8 bytes of the word being read; String's scalar view is slow to append to.
        var word: [UInt8] = []
        var moneyPending = false
        var negativePending = false

        func flush() {
            guard !word.isEmpty else { return }
            appendWord(String(decoding: word, as: UTF8.self), money: moneyPending, negative: negativePending, into: &tokens)
            word.removeAll(keepingCapacity: true)
            moneyPending = false
            negativePending = false
        }

        let scalars = Array(fold(text).unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let previous = index > 0 ? scalars[index - 1] : nil
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            switch scalar {
            case _ where isWordScalar(scalar):
                append(scalar, to: &word)
            case "'", "\u{2019}", "\u{2018}", "`":
                continue  // "don't" → "dont"
            case "." where isDigit(previous) && isDigit(next) && !word.isEmpty:
                word.append(UInt8(ascii: "."))
            case "/" where isDigit(previous) && isDigit(next) && !word.isEmpty:
                word.append(UInt8(ascii: "/"))
            case "," where isDigit(previous) && isThousandsGroup(scalars, from: index + 1):
                continue  // "1,000"
            case "%" where !word.isEmpty && isDigit(previous):
                word.append(UInt8(ascii: "%"))  // "2%" milk
            case "$":
                flush()
                moneyPending = true
            case _ where (scalar == "-" || scalar == "+") && isDigit(next) && isMantissa(word):
                append(scalar, to: &word)  // "1e-400": one number, never "1e" and "400"
            case "-" where isDigit(previous) && next.map(isWordScalar) == true && !isDigit(next):
                // "12-pack", "2-liter": a size, never a count
                flush()
                if tokens.last?.isNumber == true { tokens[tokens.count - 1].isSize = true }
            case "-" where word.isEmpty && isDigit(next) && !isWordScalar(previous ?? " "):
                negativePending = true
            case "." where Lexicon.units[String(decoding: word, as: UTF8.self)] != nil || word == Array("vs".utf8):
                flush()  // "2 lb. of beef", "12 oz. jar": an abbreviation, not a sentence's end
            case ",", ";", ":", "\n", "\r", "?", "!", ".", "\u{2026}":
                // A sentence's end is a pause too ("do you have pasta? add it"); a
                // decimal point was taken above.
                flush()
                if tokens.last?.isSeparator != true { tokens.append(.separator) }
            case "&", "+":
                flush()
                tokens.append(Token(text: "and"))
            default:
                if let food = emojiWords[scalar] {
                    flush()
                    tokens.append(contentsOf: food.split(separator: " ").map { Token(text: String($0)) })
                } else if let fraction = vulgarFractions[scalar] {
                    let digits = String(decoding: word, as: UTF8.self)
                    let whole = word.isEmpty ? 0 : (Double(digits) ?? 0)
                    let literal = digits + String(scalar)
                    word.removeAll(keepingCapacity: true)
                    tokens.append(Token(text: literal, number: whole + fraction, isMoney: moneyPending))
                    moneyPending = false
                } else {
                    flush()
                }
            }
        }
        flush()
        return tokens
    }

    private static func append(_ scalar: Unicode.Scalar, to word: inout [UInt8]) {
        if scalar.isASCII {
            word.append(UInt8(scalar.value))
        } else {
            UTF8.encode(scalar) { word.append($0) }
        }
    }

    /// Lowercase, and without diacritics when there are any ("Crème" → "creme").
    static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isDigit(scalar) || (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") }
        if vulgarFractions[scalar] != nil { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
    }

    private static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar >= "0" && scalar <= "9"
    }

    private static func isThousandsGroup(_ scalars: [Unicode.Scalar], from start: Int) -> Bool {
        guard start + 3 <= scalars.count else { return false }
        let group = scalars[start..<start + 3].allSatisfy { isDigit($0) }
        let after = start + 3 < scalars.count ? scalars[start + 3] : nil
        return group && !isDigit(after)
    }

    /// Food emoji read as their word ("🍌" → "banana").
    private static let emojiWords: [Unicode.Scalar: String] = [
        "🍌": "banana", "🍎": "apple", "🍏": "green apple", "🍊": "orange", "🍋": "lemon", "🍇": "grapes",
        "🍓": "strawberries", "🫐": "blueberries", "🍉": "watermelon", "🍑": "peach", "🍐": "pear",
        "🍒": "cherries", "🍍": "pineapple", "🥭": "mango", "🥝": "kiwi", "🥑": "avocado", "🍅": "tomato",
        "🥔": "potato", "🥕": "carrot", "🧅": "onion", "🧄": "garlic", "🥦": "broccoli", "🥬": "lettuce",
        "🥒": "cucumber", "🌽": "corn", "🍄": "mushrooms", "🥛": "milk", "🥚": "eggs", "🧈": "butter",
        "🧀": "cheese", "🍞": "bread", "🥯": "bagels", "🥐": "croissant", "🥓": "bacon", "🍗": "chicken",
        "🥩": "steak", "🐟": "fish", "🍤": "shrimp", "🍚": "rice", "🍝": "pasta", "🍕": "pizza",
        "🍦": "ice cream", "🍨": "ice cream", "🍪": "cookies", "🍫": "chocolate", "☕": "coffee",
        "🍵": "tea", "🧃": "juice", "💧": "water", "🍯": "honey", "🥜": "peanuts", "🧻": "toilet paper",
        "🧼": "soap", "🧽": "sponge", "🪥": "toothbrush",
    ]

    private static let vulgarFractions: [Unicode.Scalar: Double] = [
        "½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1.0 / 3, "⅔": 2.0 / 3, "⅛": 0.125,
    ]

    /// Suffixes split off a number: "2lb" → "2" "lb", "2x" → "2" "x".
    private static let splittableSuffixes: Set<String> = [
        "x", "lb", "lbs", "oz", "kg", "kgs", "g", "gr", "l", "ml", "gal", "gals", "qt", "qts",
        "pt", "pts", "ct", "pk", "pc", "pcs", "dz", "doz", "liter", "liters", "litre", "litres",
        "pack", "packs", "gram", "grams", "pound", "pounds", "ounce", "ounces",
    ]

    private static func appendWord(_ word: String, money: Bool, negative: Bool, into tokens: inout [Token]) {
        // "93/7 ground beef", "80/20": lean over fat, which the catalog writes "93%".
        if !money, !negative, word.utf8.contains(UInt8(ascii: "/")) {
            let parts = word.split(separator: "/")
            if parts.count == 2, let lean = Int(parts[0]), let fat = Int(parts[1]), lean + fat == 100, lean > fat {
                tokens.append(Token(text: "\(lean)%"))
                return
            }
        }
        if let value = number(word) {
            tokens.append(Token(text: (negative ? "-" : "") + word, number: negative ? -value : value, isMoney: money))
            return
        }
        // "2 percent milk" is "2%" milk
        if word == "percent" || word == "pct", let last = tokens.last, last.isNumber, !last.isMoney {
            tokens[tokens.count - 1] = Token(text: last.text + "%")
            return
        }
        // "x6" → "x" "6"
        if word.hasPrefix("x"), let value = number(String(word.dropFirst())) {
            tokens.append(Token(text: "x"))
            tokens.append(Token(text: String(word.dropFirst()), number: value))
            return
        }
        // "2lb", "1.5kg", "2x" → number + unit; "12pk", "18ct" → a package size
        if let first = word.utf8.first, first >= 48, first <= 57,
            let split = word.firstIndex(where: { !$0.isASCII || !($0.isNumber || $0 == ".") }),
            split != word.startIndex,
            let value = number(String(word[..<split])),
            splittableSuffixes.contains(String(word[split...]))
        {
            var amount = Token(text: (negative ? "-" : "") + word[..<split], number: negative ? -value : value, isMoney: money)
            amount.isSize = ["pk", "pack", "ct"].contains(String(word[split...])) && !money
            tokens.append(amount)
            tokens.append(Token(text: String(word[split...])))
            return
        }
        if let meant = Lexicon.abbreviations[word] {
            tokens.append(contentsOf: meant.map { Token(text: $0) })
            return
        }
        tokens.append(Token(text: word))
    }

    /// Digits (a dot among them) then `e`: the start of a number in scientific notation.
    private static func isMantissa(_ word: [UInt8]) -> Bool {
        guard word.count >= 2, word.last == UInt8(ascii: "e"), let first = word.first, first >= 48, first <= 57 else { return false }
        return word.dropLast().allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 46 }
    }

    /// "2", "2.5", "1/2", "1.5/3" (digits only, at most one dot per part), and "2e3",
    /// "1e-400" (scientific notation; what underflows is 0, which no quantity may be).
    static func number(_ text: String) -> Double? {
        guard let first = text.utf8.first, first >= 48, first <= 57 else { return nil }
        if let e = text.firstIndex(of: "e") {
            let mantissa = text[..<e]
            var exponent = text[text.index(after: e)...]
            if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                mantissa.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 })
            else { return nil }
            return Double(text) ?? 0
        }
        if let slash = text.firstIndex(of: "/") {
            guard let top = Double(text[..<slash]), let bottom = Double(text[text.index(after: slash)...]) else { return nil }
            return top / bottom  // 1/0 is +inf and is refused as a quantity later
        }
        guard text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }) else { return nil }
        return Double(text)
    }
}
