/// How a product is priced, and so what a cart quantity of it counts.
public enum SaleUnit: String, Codable, Sendable, CaseIterable {
    /// Per package or piece: a quantity is a whole number of them.
    case each
    /// Per pound (loose produce, the meat counter): a quantity is a weight in pounds.
    case lb
}
