import GroceryProtocol

/// What takes a change back (DESIGN §7, "one key undoes the last cart change"): the
/// messages that restore the lines a change touched, as the cart held them before it.
public enum Undo {
    /// The messages that undo `change`, given the cart as it was before it; empty when
    /// nothing can be taken back (a checkout, a read). A removal of a whole line puts the
    /// line back as it was; an update sets the old amount again (or takes out a line that
    /// was not there); clear puts every line back.
    public static func inverse(of change: [CartCommand], before cart: CartSnapshot?) -> [CartChange] {
        let lines = cart?.items ?? []
        func line(_ id: String?) -> CartSnapshot.Line? { lines.first { $0.productId == id } }
        func restore(_ line: CartSnapshot.Line) -> CartChange {
            CartChange(action: .add, productId: line.productId, quantity: line.quantity, unit: line.unit)
        }
        var inverse: [CartChange] = []
        for command in change.reversed() {
            switch command.action {
            case .add:
                inverse.append(CartChange(action: .remove, productId: command.productId, quantity: command.quantity ?? 1, unit: command.unit))
            case .remove:
                guard let before = line(command.productId) else { continue }
                if let quantity = command.quantity, command.unit == nil || command.unit == before.unit {
                    inverse.append(CartChange(action: .add, productId: before.productId, quantity: min(quantity, before.quantity), unit: before.unit))
                } else if command.quantity == nil {
                    inverse.append(restore(before))
                } else {
                    // Some of a line in another measure: set the line as it was.
                    inverse.append(CartChange(action: .update, productId: before.productId, quantity: before.quantity, unit: before.unit))
                }
            case .update:
                if let before = line(command.productId) {
                    inverse.append(CartChange(action: .update, productId: before.productId, quantity: before.quantity, unit: before.unit))
                } else {
                    inverse.append(CartChange(action: .remove, productId: command.productId))
                }
            case .clear:
                inverse += lines.map(restore)
            case .checkout, .get, .orders:
                continue
            }
        }
        return inverse
    }
}
