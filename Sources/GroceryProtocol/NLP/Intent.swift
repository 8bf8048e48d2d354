/// What the shopper wants, as understood from one query (DESIGN §5).
public enum Intent: String, Codable, CaseIterable, Sendable {
    case add, remove, update, search, price, cart, clear, checkout, help, unknown

    /// Whether a result with this intent changes the cart item by item.
    public var changesItems: Bool {
        switch self {
        case .add, .remove, .update: true
        default: false
        }
    }

    /// Whether acting on a result with this intent changes the cart or places the order.
    public var changesCart: Bool {
        changesItems || self == .clear || self == .checkout
    }
}
