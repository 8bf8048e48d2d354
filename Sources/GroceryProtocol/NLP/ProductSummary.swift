/// A catalog product as it appears inside an ``NLPResult``.
public struct ProductSummary: Codable, Hashable, Sendable {
    /// Stable catalog id, used by cart messages.
    public var id: String
    /// Display name, brand first when the product has one.
    public var name: String
    /// Price in US dollars with two decimal places (computed from integer cents).
    public var price: Double
    /// Package size as printed on the shelf tag, e.g. "1 gal".
    public var size: String
    /// Catalog category id, e.g. "dairy".
    public var category: String
    /// What `price` is for: one package (`each`) or one pound (`lb`).
    public var unit: SaleUnit
    /// For a product sold by the pound, the average weight of one piece in pounds (an
    /// apple, a chicken breast), so a count can be bought as an estimated weight; nil when
    /// the product is bought by weight only.
    public var pieceWeight: Double?
    /// What one piece is called when it has a word of its own ("head" of cabbage, "bunch"
    /// of asparagus); nil when a piece is just one (an apple).
    public var piece: QuantityUnit?

    /// Creates a summary.
    public init(
        id: String, name: String, price: Double, size: String, category: String, unit: SaleUnit = .each, pieceWeight: Double? = nil,
        piece: QuantityUnit? = nil
    ) {
        self.id = id
        self.name = name
        self.price = price
        self.size = size
        self.category = category
        self.unit = unit
        self.pieceWeight = pieceWeight
        self.piece = piece
    }

    /// This summary's JSON, written once by ``withEncodedJSON()`` so that every result
    /// carrying a catalog product copies it instead of writing it again. Not part of the
    /// value: equality, hashing and Codable ignore it.
    var encodedJSON: [UInt8]?

    private enum CodingKeys: String, CodingKey {
        case id, name, price, size, category, unit, pieceWeight, piece
    }

    /// Decodes a summary; `unit` defaults to `each` for results written before it existed
    /// (a queue file can hold one).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        price = try container.decode(Double.self, forKey: .price)
        size = try container.decode(String.self, forKey: .size)
        category = try container.decode(String.self, forKey: .category)
        unit = try container.decodeIfPresent(SaleUnit.self, forKey: .unit) ?? .each
        pieceWeight = try container.decodeIfPresent(Double.self, forKey: .pieceWeight)
        piece = try container.decodeIfPresent(QuantityUnit.self, forKey: .piece)
    }

    /// The same summary with its JSON written in advance (the catalog's summaries never change).
    public func withEncodedJSON() -> ProductSummary {
        var json = JSONWriter(capacity: 128)
        write(to: &json)
        var copy = self
        copy.encodedJSON = json.bytes
        return copy
    }

    public static func == (lhs: ProductSummary, rhs: ProductSummary) -> Bool {
        (lhs.id, lhs.name, lhs.price, lhs.size, lhs.category) == (rhs.id, rhs.name, rhs.price, rhs.size, rhs.category)
            && lhs.unit == rhs.unit && lhs.pieceWeight == rhs.pieceWeight && lhs.piece == rhs.piece
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(name)
        hasher.combine(price)
        hasher.combine(size)
        hasher.combine(category)
        hasher.combine(unit)
        hasher.combine(pieceWeight)
        hasher.combine(piece)
    }
}
