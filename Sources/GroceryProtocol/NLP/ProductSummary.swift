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

    /// Creates a summary.
    public init(id: String, name: String, price: Double, size: String, category: String) {
        self.id = id
        self.name = name
        self.price = price
        self.size = size
        self.category = category
    }
}
