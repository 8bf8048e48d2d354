import GroceryProtocol

/// The cart messages an NLP result asks for (DESIGN §4). Their ids are derived from the
/// query's id, so a result that arrives twice still changes the cart once.
enum CartCommands {
    static func derive(queryID: String, result: NLPResult) -> (commands: [CartCommand], skipped: [String]) {
        guard result.error == nil else { return ([], []) }
        switch result.intent {
        case .clear:
            return ([CartCommand(id: "\(queryID):clear", action: .clear)], [])
        case .checkout:
            return ([CartCommand(id: "\(queryID):checkout", action: .checkout)], [])
        case .cart:
            return ([CartCommand(id: "\(queryID):get", action: .get)], [])
        case .add, .remove, .update:
            var commands: [CartCommand] = []
            var skipped: [String] = []
            for (index, item) in result.items.enumerated() {
                guard let product = item.product else {
                    skipped.append(item.phrase)
                    continue
                }
                let action: CartCommand.Action = result.intent == .add ? .add : result.intent == .remove ? .remove : .update
                // "remove the milk" takes the whole line; "remove 2 apples" and "take 1 of
                // the apples out" take that many.
                let wholeLine = action == .remove && !item.quantitySaid && item.quantity == 1 && item.unit == .each
                let (quantity, unit) = wholeLine ? (nil, nil) : cartQuantity(item)
                commands.append(CartCommand(id: "\(queryID):\(index)", action: action, productId: product.id, quantity: quantity, unit: unit))
            }
            return (commands, skipped)
        default:
            return ([], [])
        }
    }

    /// The quantity a cart message carries, and its unit when it is not the product's own.
    /// Products priced per pound take weights converted to pounds; a count of them ("4
    /// apples", "a dozen bananas") is a count of pieces, bought at the catalog's estimated
    /// weight — sent as said, so the server refuses what it cannot sell (half an apple,
    /// pieces of grapes) with a reason instead of the client charging for something else.
    /// Everything else is a count of packages, rounded up ("2 gallons of milk" is two
    /// 1-gal jugs).
    static func cartQuantity(_ item: NLPItem) -> (quantity: Double, unit: SaleUnit?) {
        let pounds: Double? = switch item.unit {
        case .lb: item.quantity
        case .oz: item.quantity / 16
        case .kg: item.quantity * 2.204_62
        case .g: item.quantity / 453.592
        default: nil
        }
        guard let product = item.product, product.unit == .lb else { return (max(item.quantity.rounded(.up), 1), nil) }
        if let pounds { return (max((pounds * 100).rounded() / 100, 0.01), nil) }
        return (item.unit == .dozen ? item.quantity * 12 : item.quantity, .each)
    }
}
