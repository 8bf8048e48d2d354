/// What the NLP engine understood from one query (DESIGN §5).
public struct NLPResult: Codable, Hashable, Sendable {
    /// The text as received (cut at ``NLPResult/maxTextLength`` characters).
    public var text: String
    /// What the shopper wants.
    public var intent: Intent
    /// 0…1, two decimal places: a calibrated probability that intent and matches together
    /// are what the shopper meant.
    public var confidence: Double
    /// The things named, in the order said.
    public var items: [NLPItem]
    /// Constraints such as a maximum price.
    public var filters: NLPFilters
    /// Set when the query cannot be acted on as said (e.g. a quantity of 0);
    /// clients show it and change nothing.
    public var error: NLPProblem?

    /// The longest text the parser reads; longer input is refused with `too_long`.
    public static let maxTextLength = 1000
    /// The largest quantity accepted for one item.
    public static let maxQuantity = 999.0
    /// Below this confidence a client does not apply a cart-changing result by itself:
    /// the TUI asks, `grocery pipe` reports `unsure` (DESIGN §5; the reliability table in
    /// docs/NLP.md says how often results at each confidence are right).
    public static let confirmationThreshold = 0.8

    /// True when a client may apply this result without asking: its confidence reaches
    /// ``confirmationThreshold``.
    public var isSure: Bool { confidence >= Self.confirmationThreshold }

    /// Creates a result.
    public init(
        text: String, intent: Intent, confidence: Double, items: [NLPItem] = [],
        filters: NLPFilters = NLPFilters(), error: NLPProblem? = nil
    ) {
        self.text = text
        self.intent = intent
        self.confidence = confidence
        self.items = items
        self.filters = filters
        self.error = error
    }
}
