import GroceryProtocol

/// The cart messages an NLP result asks for (DESIGN §4). Their ids are derived from the
/// query's id, so a result that arrives twice still changes the cart once.
enum CartCommands {
    /// An item of a result that changes nothing in the cart, and why.
    struct Skipped: Equatable {
        enum Reason: Equatable {
            /// No catalog product matches the phrase.
            case noProduct
            /// The product is sold by the pound and the measure said is neither a weight
            /// nor its pieces ("a bunch of bananas"): buying loose pieces instead would be
            /// another thing than asked.
            case notSoldBy(QuantityUnit, product: String)
        }

        var phrase: String
        var reason: Reason

        /// The error a front end shows: its code and sentence.
        var error: (code: String, message: String) {
            switch reason {
            case .noProduct:
                ("not_found", "no product matches \"\(phrase)\"")
            case .notSoldBy(let unit, let product):
                ("wrong_measure", "\(product) are sold by the pound or by the piece, not by the \(unit.rawValue): say how many, or how many pounds")
            }
        }
    }

    static func derive(queryID: String, result: NLPResult) -> (commands: [CartCommand], skipped: [Skipped]) {
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
            var skipped: [Skipped] = []
            for (index, item) in result.items.enumerated() {
                guard let product = item.product else {
                    skipped.append(Skipped(phrase: item.phrase, reason: .noProduct))
                    continue
                }
                let action: CartCommand.Action = result.intent == .add ? .add : result.intent == .remove ? .remove : .update
                // "remove the milk" takes the whole line; "remove 2 apples" and "take 1 of
                // the apples out" take that many.
                let wholeLine = action == .remove && !item.quantitySaid && item.quantity == 1 && item.unit == .each
                var (quantity, unit): (Double?, SaleUnit?) = (nil, nil)
                if !wholeLine {
                    guard let measure = cartQuantity(item) else {
                        skipped.append(Skipped(phrase: item.phrase, reason: .notSoldBy(item.unit, product: product.name)))
                        continue
                    }
                    (quantity, unit) = measure
                }
                commands.append(CartCommand(id: "\(queryID):\(index)", action: action, productId: product.id, quantity: quantity, unit: unit))
            }
            return (commands, skipped)
        default:
            return ([], [])
        }
    }

    /// The quantity a cart message carries, in the measure said (DESIGN §4: a line has one
    /// measure, and a weight said is a weight). Products priced per pound take a weight as
    /// pounds (`lb`, whatever measure the line is in now: "remove half a pound of the
    /// apples" from four apples takes half a pound); a count of them ("4 apples", "a dozen
    /// bananas", "2 heads of cabbage": the product's own piece word) is a count of pieces
    /// (`each`), bought at the catalog's estimated weight, sent as said so the server
    /// refuses what it cannot sell (half an apple, pieces of grapes) with a reason. Any
    /// other measure of them ("a bunch of bananas", "a pint of cherries") is nil: the
    /// shopper is told, rather than charged for loose pieces. Everything else is a count
    /// of packages, rounded up ("2 gallons of milk" is two 1-gal jugs).
    static func cartQuantity(_ item: NLPItem) -> (quantity: Double, unit: SaleUnit?)? {
        guard let product = item.product, product.unit == .lb else { return (max(item.quantity.rounded(.up), 1), nil) }
        switch item.unit {
        case .lb: return (pounds(item.quantity), .lb)
        case .oz: return (pounds(item.quantity / 16), .lb)
        case .kg: return (pounds(item.quantity * 2.204_62), .lb)
        case .g: return (pounds(item.quantity / 453.592), .lb)
        case .each: return (item.quantity, .each)
        case .dozen: return (item.quantity * 12, .each)
        case let unit where unit == product.piece: return (item.quantity, .each)
        default: return nil
        }
    }

    /// Pounds to the hundredth, at least 0.01.
    private static func pounds(_ value: Double) -> Double {
        max((value * 100).rounded() / 100, 0.01)
    }
}
