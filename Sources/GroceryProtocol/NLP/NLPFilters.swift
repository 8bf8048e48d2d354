/// Constraints said alongside the items, e.g. "under $5".
public struct NLPFilters: Codable, Hashable, Sendable {
    /// Highest acceptable unit price in dollars, from "under $5", "less than 5 dollars", …
    public var maxPrice: Double?

    /// Creates filters.
    public init(maxPrice: Double? = nil) {
        self.maxPrice = maxPrice
    }
}
