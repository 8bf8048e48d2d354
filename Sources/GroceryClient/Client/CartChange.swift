import GroceryProtocol

/// A cart message the shopper makes: a pick from a result, a cart edit, an undo. The
/// client gives it an id when it is queued.
public struct CartChange: Sendable, Equatable {
    /// What to do.
    public var action: CartCommand.Action
    /// The product, for add / remove / update.
    public var productId: String?
    /// How many; nil takes the whole line (remove).
    public var quantity: Double?
    /// What `quantity` counts; nil is the product's own unit.
    public var unit: SaleUnit?

    /// Creates a change.
    public init(action: CartCommand.Action, productId: String? = nil, quantity: Double? = nil, unit: SaleUnit? = nil) {
        self.action = action
        self.productId = productId
        self.quantity = quantity
        self.unit = unit
    }
}
