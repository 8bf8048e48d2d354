import GroceryProtocol

/// "If the words start with this and end with that, the shopper means X."
///
/// Rules are tried in order; the first that matches decides the intent, and what
/// lies between its start and end is the item text.
struct IntentRule: Sendable {
    /// What must be left between the start and end patterns.
    enum Rest: Sendable {
        /// Anything, including nothing.
        case any
        /// Nothing but a cart locative ("from my cart").
        case empty
        /// At least one word.
        case nonEmpty
    }

    var intent: Intent
    var start: Pattern?
    var end: Pattern?
    var rest: Rest
    /// For `update`: the rule applies only when a new quantity is said ("make it 3").
    var needsQuantity = false

    init(_ intent: Intent, start: String? = nil, end: String? = nil, rest: Rest, needsQuantity: Bool = false) {
        self.intent = intent
        self.start = start.map(Pattern.init)
        self.end = end.map(Pattern.init)
        self.rest = rest
        self.needsQuantity = needsQuantity
    }

    /// The range of item words when the rule matches `words`.
    func match(_ words: ArraySlice<String>) -> Range<Int>? {
        let starts = start.map { $0.matchLengths(words, from: words.startIndex) } ?? [0]
        for length in starts {
            let afterStart = words.startIndex + length
            let restEnds = end.map { $0.suffixStarts(words[afterStart...]) } ?? [words.endIndex]
            for restEnd in restEnds {
                let rest = words[afterStart..<restEnd]
                switch self.rest {
                case .any: return afterStart..<restEnd
                case .nonEmpty where !rest.isEmpty: return afterStart..<restEnd
                case .empty where rest.isEmpty || Grammar.cartLocative.matchesAll(rest): return afterStart..<restEnd
                default: continue
                }
            }
        }
        return nil
    }
}
