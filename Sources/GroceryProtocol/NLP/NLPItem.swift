/// One thing the shopper named, with its quantity and the catalog match.
public struct NLPItem: Codable, Hashable, Sendable {
    /// The words that named the product, without quantity and unit ("milk").
    public var phrase: String
    /// How many, in `unit`; 1 when none was said.
    public var quantity: Double
    /// The unit of `quantity`; `each` when none was said.
    public var unit: QuantityUnit
    /// The best catalog match, or nil when nothing matched.
    public var product: ProductSummary?
    /// Other plausible matches, best first (at most three).
    public var alternatives: [ProductSummary]

    /// Creates an item.
    public init(
        phrase: String, quantity: Double = 1, unit: QuantityUnit = .each,
        product: ProductSummary? = nil, alternatives: [ProductSummary] = []
    ) {
        self.phrase = phrase
        self.quantity = quantity
        self.unit = unit
        self.product = product
        self.alternatives = alternatives
    }

    private enum CodingKeys: String, CodingKey { case phrase, quantity, unit, product, alternatives }

    /// Encodes `product` as an explicit `null` when there is no match (DESIGN §5).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(phrase, forKey: .phrase)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(unit, forKey: .unit)
        try container.encode(product, forKey: .product)
        try container.encode(alternatives, forKey: .alternatives)
    }
}
