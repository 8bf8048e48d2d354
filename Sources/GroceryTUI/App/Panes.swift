import GroceryClient
import GroceryProtocol

extension NLPItem {
    /// The match, then its alternatives.
    var candidates: [ProductSummary] { (product.map { [$0] } ?? []) + alternatives }
}

/// What the result pane lists, and what Enter does with the selected row.
enum ResultChoices: Equatable {
    /// An add of one item: its product and alternatives, numbered; Enter puts the
    /// selection in the cart instead of `current`, in the same amount.
    case swap(item: NLPItem, current: ProductSummary, choices: [ProductSummary])
    /// Search or price: the ranked matches; Enter adds one of the selection.
    case add(choices: [ProductSummary])
    /// Nothing to choose (several items, no product, a receipt, an error).
    case none

    var choices: [ProductSummary] {
        switch self {
        case .swap(_, _, let choices), .add(let choices): choices
        case .none: []
        }
    }

    /// The choices the model's result pane offers.
    static func of(_ model: Model) -> ResultChoices {
        guard model.receipt == nil, model.orders == nil, let result = model.lastResult, result.error == nil else { return .none }
        switch result.intent {
        case .add:
            guard result.items.count == 1, let item = result.items.first, let product = item.product else { return .none }
            return .swap(item: item, current: model.swappedTo ?? product, choices: item.candidates)
        case .search, .price:
            let ranked = result.items.flatMap(\.candidates)
            var seen = Set<String>()
            return .add(choices: ranked.filter { seen.insert($0.id).inserted })
        default:
            return .none
        }
    }
}

/// One row of the cart pane: a line the server holds, or an addition still queued for a
/// product the server's cart does not have yet.
struct CartEntry: Equatable {
    var productId: String
    /// The server's line; nil for a queued addition.
    var line: CartSnapshot.Line?
    /// A queued addition: how many, in what.
    var queuedQuantity: Double = 0
    var queuedUnit: SaleUnit?
    var name: String
    /// A change to this product waits for the server.
    var pending: Bool

    /// The cart pane's rows: the server's lines in order, then queued additions of other
    /// products, each its net amount after the queued changes (a queued add and remove of
    /// one product leave no row).
    static func of(_ model: Model) -> [CartEntry] {
        let lines = model.cart?.items ?? []
        let pendingIDs = Set(model.pendingChanges.compactMap(\.command.productId))
        var entries = lines.map { line in
            CartEntry(productId: line.productId, line: line, name: line.name, pending: pendingIDs.contains(line.productId))
        }
        let inCart = Set(lines.map(\.productId))
        var queued: [(id: String, quantity: Double, unit: SaleUnit?, name: String?)] = []
        for change in model.pendingChanges {
            let command = change.command
            guard let id = command.productId, !inCart.contains(id) else {
                if [.clear, .checkout].contains(change.command.action) { queued.removeAll() }
                continue
            }
            let index = queued.firstIndex { $0.id == id } ?? {
                queued.append((id, 0, command.unit, change.name))
                return queued.count - 1
            }()
            let amount = command.quantity
            switch command.action {
            case .add: queued[index].quantity += amount ?? 1
            case .remove: queued[index].quantity = amount.map { max(0, queued[index].quantity - $0) } ?? 0
            case .update: queued[index].quantity = amount ?? queued[index].quantity
            default: break
            }
            if queued[index].name == nil { queued[index].name = change.name }
        }
        for addition in queued where addition.quantity > 0 {
            entries.append(
                CartEntry(
                    productId: addition.id, line: nil, queuedQuantity: addition.quantity, queuedUnit: addition.unit,
                    name: addition.name ?? addition.id, pending: true))
        }
        return entries
    }

    /// The change `+` (one more) or `-` (one less) makes: a package or a piece, or half a
    /// pound of a product weighed out.
    func step(_ action: CartCommand.Action) -> CartChange {
        if let line, line.unit == .lb {
            return CartChange(action: action, productId: productId, quantity: Self.weighedStep)
        }
        let unit: SaleUnit? = line.map { $0.estimatedWeight != nil ? .each : nil } ?? queuedUnit
        return CartChange(action: action, productId: productId, quantity: 1, unit: unit)
    }

    /// Pounds that `+`/`-` add or take of a product sold by weight.
    static let weighedStep = 0.5
}

/// The log's words for what happened to the cart.
enum ShopperWords {
    /// "added 2 × Great Value Whole Milk", "removed Bananas", "changed Eggs to 2", or nil
    /// for messages that change nothing the shopper asked to see.
    static func done(_ change: Model.PendingChange) -> String? {
        [.checkout, .get, .orders].contains(change.command.action) ? nil : describe(change, done: true)
    }

    /// What a held result would do, as a question without its mark: "remove 1 × Greek
    /// Yogurt", "change Eggs to 2", "empty the cart (3 items)", "check out (3 items, $12.40)".
    static func question(_ result: NLPResult, cart: CartSnapshot?) -> String {
        let items = cart.map { " (\($0.items.count) item\($0.items.count == 1 ? "" : "s")" } ?? ""
        switch result.intent {
        case .clear: return "empty the cart" + (items.isEmpty ? "" : items + ")")
        case .checkout: return "check out" + (cart.map { items + ", \(Format.money($0.total)))" } ?? "")
        default: break
        }
        let parts = result.items.compactMap { item -> String? in
            guard let product = item.product else { return nil }
            let amount = item.unit == .each ? "\(Format.quantity(item.quantity)) ×" : "\(Format.quantity(item.quantity)) \(item.unit.rawValue)"
            switch result.intent {
            case .add: return "add \(amount) \(product.name)"
            case .remove: return item.quantitySaid ? "remove \(amount) \(product.name)" : "remove \(product.name)"
            case .update: return "change \(product.name) to \(Format.quantity(item.quantity))\(item.unit == .each ? "" : " \(item.unit.rawValue)")"
            default: return nil
            }
        }
        return parts.isEmpty ? result.intent.rawValue : parts.joined(separator: ", ")
    }

    /// "add 2 × Great Value Whole Milk": what waits for the network.
    static func waiting(_ change: Model.PendingChange) -> String {
        describe(change, done: false)
    }

    private static func describe(_ change: Model.PendingChange, done: Bool) -> String {
        let command = change.command
        let name = change.name ?? command.productId ?? ""
        switch command.action {
        case .add: return "\(done ? "added" : "add") \(amount(change)) \(name)"
        case .remove:
            let verb = done ? "removed" : "remove"
            return command.quantity == nil ? "\(verb) \(name)" : "\(verb) \(amount(change)) \(name)"
        case .update: return "\(done ? "changed" : "change") \(name) to \(amount(change, times: false))"
        case .clear: return done ? "emptied the cart" : "empty the cart"
        case .checkout: return "check out"
        case .get: return "read the cart"
        case .orders: return "list your orders"
        }
    }

    /// "2 ×", "1.5 lb" (or "2", "1.5 lb" for a new total).
    private static func amount(_ change: Model.PendingChange, times: Bool = true) -> String {
        let quantity = Format.quantity(change.command.quantity ?? 1)
        if (change.command.unit ?? change.unit) == .lb { return "\(quantity) lb" }
        return times ? "\(quantity) ×" : quantity
    }

    /// A product's name and sale unit as the screen knows them: from the cart, the last
    /// result, a queued change.
    static func product(_ productId: String, in model: Model) -> (name: String, unit: SaleUnit)? {
        if let line = model.cart?.items.first(where: { $0.productId == productId }) {
            return (line.name, line.estimatedWeight != nil ? .lb : line.unit)
        }
        let products = (model.lastResult?.items ?? []).flatMap(\.candidates) + [model.swappedTo].compactMap { $0 }
        if let product = products.first(where: { $0.id == productId }) { return (product.name, product.unit) }
        if let change = model.pendingChanges.first(where: { $0.command.productId == productId && $0.name != nil }), let name = change.name {
            return (name, change.unit ?? .each)
        }
        return nil
    }
}
