import GroceryProtocol

/// One product on the shelf.
public struct Product: Hashable, Sendable, Identifiable {
    /// How a product is priced.
    public typealias SoldBy = SaleUnit

    /// Stable slug, e.g. "milk-whole-gallon".
    public var id: String
    /// Shelf-tag name without the brand, e.g. "Whole Milk".
    public var name: String
    /// Brand, nil for unbranded produce and meat.
    public var brand: String?
    /// Price in US cents, per `soldBy`.
    public var priceCents: Int
    /// Package size, e.g. "1 gal".
    public var size: String
    /// Per package or per pound.
    public var soldBy: SoldBy
    /// For a product sold by the pound, the average weight of one piece in thousandths of a
    /// pound (an apple 375, a chicken breast 500): a count of pieces is bought at
    /// count × this estimate. Nil for products bought by weight only (grapes, stew meat).
    public var pieceWeightMilli: Int?
    /// What one piece of a product sold by the pound is called when it is a word of its
    /// own: a head of cabbage, a bunch of asparagus. "2 heads of cabbage" are two pieces;
    /// another package word ("a bunch of bananas") is not a piece of it.
    public var pieceName: QuantityUnit?
    /// Aisle.
    public var category: ProductCategory
    /// Lowercase search words and synonyms ("soda" for cola).
    public var keywords: [String]
    /// Generic words that mean this product when nothing more is said ("soda" for cola,
    /// "bread" for white sandwich bread). Never outranks a product matching more words.
    public var defaultFor: [String]

    /// Creates a product.
    public init(
        id: String, name: String, brand: String? = nil, priceCents: Int, size: String,
        soldBy: SoldBy = .each, pieceWeightMilli: Int? = nil, pieceName: QuantityUnit? = nil, category: ProductCategory,
        keywords: [String] = [], defaultFor: [String] = []
    ) {
        self.id = id
        self.name = name
        self.brand = brand
        self.priceCents = priceCents
        self.size = size
        self.soldBy = soldBy
        self.pieceWeightMilli = pieceWeightMilli
        self.pieceName = pieceName
        self.category = category
        self.keywords = keywords
        self.defaultFor = defaultFor
    }

    /// Brand and name together, as a shopper reads it ("Silk Almond Milk").
    /// Words the brand and name share at the seam are said once:
    /// "Horizon Organic" + "Organic Whole Milk" → "Horizon Organic Whole Milk".
    /// How many pounds one unit of sale is: 1 for a product sold by the pound, else read
    /// from its size ("3 lb bag" → 3, "16 oz" → 1); nil when the size says no weight.
    public var pounds: Double? {
        if soldBy == .lb { return 1 }
        let words = size.lowercased().split(separator: " ")
        for (index, word) in words.enumerated().dropFirst() {
            guard let amount = Double(words[index - 1]), amount > 0 else { continue }
            if word == "lb" || word == "lbs" { return amount }
            if word == "oz", !(index + 1 < words.count && words[index + 1] == "fl") { return amount / 16 }
        }
        return nil
    }

    public var displayName: String {
        guard let brand, !brand.isEmpty else { return name }
        let brandWords = brand.split(separator: " ")
        let nameWords = name.split(separator: " ")
        let overlap = (0...min(brandWords.count, nameWords.count)).last { k in
            brandWords.suffix(k).map { $0.lowercased() } == nameWords.prefix(k).map { $0.lowercased() }
        } ?? 0
        return (brandWords + nameWords.dropFirst(overlap)).joined(separator: " ")
    }

    /// The product as carried inside an ``NLPResult``.
    public var summary: ProductSummary {
        ProductSummary(
            id: id, name: displayName, price: Money.dollars(cents: priceCents),
            size: size, category: category.rawValue, unit: soldBy,
            pieceWeight: pieceWeightMilli.map { Double($0) / 1000 }, piece: pieceName)
    }
}

extension Product: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, name, brand, price, size, unit, pieceWeight, piece, defaultFor, category, keywords
    }

    /// Decodes the catalog file's shape, where `price` is decimal dollars.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        brand = try container.decodeIfPresent(String.self, forKey: .brand)
        let price = try container.decode(Double.self, forKey: .price)
        guard let cents = Money.cents(dollars: price) else {
            throw DecodingError.dataCorruptedError(
                forKey: .price, in: container, debugDescription: "price \(price) is not a valid amount")
        }
        priceCents = cents
        size = try container.decode(String.self, forKey: .size)
        soldBy = try container.decode(SoldBy.self, forKey: .unit)
        if let pounds = try container.decodeIfPresent(Double.self, forKey: .pieceWeight) {
            let milli = (pounds * 1000).rounded()
            guard soldBy == .lb, pounds.isFinite, milli >= 1, milli <= 100_000 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .pieceWeight, in: container,
                    debugDescription: "pieceWeight \(pounds) must be 0.001 to 100 lb, on a product sold by the pound")
            }
            pieceWeightMilli = Int(milli)
        }
        pieceName = try container.decodeIfPresent(QuantityUnit.self, forKey: .piece)
        if pieceName != nil, pieceWeightMilli == nil {
            throw DecodingError.dataCorruptedError(forKey: .piece, in: container, debugDescription: "a piece name needs a pieceWeight")
        }
        category = try container.decode(ProductCategory.self, forKey: .category)
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords) ?? []
        defaultFor = try container.decodeIfPresent([String].self, forKey: .defaultFor) ?? []
    }

    /// Encodes the catalog file's shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(brand, forKey: .brand)
        try container.encode(Money.dollars(cents: priceCents), forKey: .price)
        try container.encode(size, forKey: .size)
        try container.encode(soldBy, forKey: .unit)
        if let pieceWeightMilli { try container.encode(Double(pieceWeightMilli) / 1000, forKey: .pieceWeight) }
        if let pieceName { try container.encode(pieceName, forKey: .piece) }
        if !defaultFor.isEmpty { try container.encode(defaultFor, forKey: .defaultFor) }
        try container.encode(category, forKey: .category)
        try container.encode(keywords, forKey: .keywords)
    }
}
