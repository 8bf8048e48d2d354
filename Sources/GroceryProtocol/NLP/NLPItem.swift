/// One thing the shopper named, with its quantity and the catalog match.
public struct NLPItem: Codable, Hashable, Sendable {
    /// The words that named the product, without quantity and unit ("milk").
    public var phrase: String
    /// How many, in `unit`; 1 when none was said.
    public var quantity: Double
    /// Whether the shopper said the quantity ("remove 1 apple" takes one; "remove the
    /// apples" takes the line). Written only when true.
    public var quantitySaid: Bool
    /// The unit of `quantity`; `each` when none was said.
    public var unit: QuantityUnit
    /// The best catalog match, or nil when nothing matched.
    public var product: ProductSummary?
    /// Other plausible matches, best first (three for an add, seven for a search).
    public var alternatives: [ProductSummary]

    private enum CodingKeys: String, CodingKey {
        case phrase, quantity, quantitySaid, unit, product, alternatives
    }

    /// Decodes an item; `quantitySaid` is false when absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phrase = try container.decode(String.self, forKey: .phrase)
        quantity = try container.decode(Double.self, forKey: .quantity)
        quantitySaid = try container.decodeIfPresent(Bool.self, forKey: .quantitySaid) ?? false
        unit = try container.decode(QuantityUnit.self, forKey: .unit)
        product = try container.decodeIfPresent(ProductSummary.self, forKey: .product)
        alternatives = try container.decode([ProductSummary].self, forKey: .alternatives)
    }

    /// Encodes `product` as an explicit `null` when there is no match (DESIGN §5).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(phrase, forKey: .phrase)
        try container.encode(quantity, forKey: .quantity)
        if quantitySaid { try container.encode(true, forKey: .quantitySaid) }
        try container.encode(unit, forKey: .unit)
        try container.encode(product, forKey: .product)
        try container.encode(alternatives, forKey: .alternatives)
    }

    /// Creates an item.
    public init(
        phrase: String, quantity: Double = 1, quantitySaid: Bool = false, unit: QuantityUnit = .each,
        product: ProductSummary? = nil, alternatives: [ProductSummary] = []
    ) {
        self.phrase = phrase
        self.quantity = quantity
        self.quantitySaid = quantitySaid
        self.unit = unit
        self.product = product
        self.alternatives = alternatives
    }

}
