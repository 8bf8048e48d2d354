/// One word, number or separator of a query, after normalisation.
struct Token: Hashable, Sendable, CustomStringConvertible {
    /// Lowercased, diacritics folded, apostrophes dropped ("don't" → "dont").
    /// Numbers keep their literal text ("1/2"); a separator is ",".
    var text: String
    /// The value when the token is a number ("2", "1.5", "1/2", "½", "-3").
    var number: Double?
    /// True for "$5"-style amounts.
    var isMoney = false
    /// Part of a package size ("a **2 liter** coke", "**size 3** diapers"): words for the
    /// catalog, never a quantity.
    var isSize = false

    static let separator = Token(text: ",")

    var isSeparator: Bool { text == "," && number == nil }
    var isNumber: Bool { number != nil && !isMoney && !isSize }
    var description: String { text }

    init(text: String, number: Double? = nil, isMoney: Bool = false) {
        self.text = text
        self.number = number
        self.isMoney = isMoney
    }
}
