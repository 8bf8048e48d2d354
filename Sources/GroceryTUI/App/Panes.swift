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
    /// A queued addition: how much, in the measure the server will hold it in.
    var queued = LineAmount.zero(counted: false)
    /// How the product is sold (a queued addition's; a line says its own); nil when the
    /// screen has not seen the product, and the queued messages' units are all it knows.
    var soldBy: SaleUnit?
    var name: String
    /// A change to this product waits for the server.
    var pending: Bool

    /// The cart pane's rows: the server's lines in order, then queued additions of other
    /// products, each its net amount after the queued changes (a queued add and remove of
    /// one product leave no row), summed as the server's cart rules sum them
    /// (``LineAmount``: pieces and pounds of one product make a weight).
    static func of(_ model: Model) -> [CartEntry] {
        let lines = model.cart?.items ?? []
        let pendingIDs = Set(model.pendingChanges.compactMap(\.command.productId))
        var entries = lines.map { line in
            CartEntry(productId: line.productId, line: line, name: line.name, pending: pendingIDs.contains(line.productId))
        }
        let inCart = Set(lines.map(\.productId))
        var queued: [(entry: CartEntry, amount: LineAmount?, pieceWeightMilli: Int?)] = []
        for change in model.pendingChanges {
            let command = change.command
            guard let id = command.productId, !inCart.contains(id) else {
                if [.clear, .checkout].contains(change.command.action) { queued.removeAll() }
                continue
            }
            let index = queued.firstIndex { $0.entry.productId == id } ?? {
                let soldBy = change.unit ?? (command.unit == .lb ? .lb : nil)
                let entry = CartEntry(productId: id, line: nil, soldBy: soldBy, name: change.name ?? id, pending: true)
                queued.append((entry, nil, change.pieceWeight.map { Int(($0 * 1000).rounded()) }))
                return queued.count - 1
            }()
            let (current, pieceWeight) = (queued[index].amount, queued[index].pieceWeightMilli)
            // Without a unit: the product's own for an add, the line's own measure otherwise.
            let unit = command.unit ?? (command.action == .add ? nil : current.map { $0.counted ? .each : .lb })
            // Pieces of a product sold by the pound (or of one not seen: `each` was said for it).
            let said = LineAmount(
                milli: Int(((command.quantity ?? 1) * 1000).rounded()), counted: queued[index].entry.soldBy != .each && unit == .each)
            switch command.action {
            case .add: queued[index].amount = current.map { $0.adding(said, pieceWeightMilli: pieceWeight) } ?? said
            case .remove: queued[index].amount = command.quantity == nil ? nil : current?.removing(said, pieceWeightMilli: pieceWeight)
            case .update: if command.quantity != nil { queued[index].amount = said }
            default: break
            }
            if queued[index].entry.name == id, let name = change.name { queued[index].entry.name = name }
        }
        for (entry, amount, _) in queued {
            guard let amount, amount.milli > 0 else { continue }
            var entry = entry
            entry.queued = amount
            entries.append(entry)
        }
        return entries
    }

    /// A queued addition as the screen says it: "4 ×" pieces or packages, "1.5 lb".
    var queuedAmount: String {
        let quantity = Format.quantity(Double(queued.milli) / 1000)
        return soldBy == .lb && !queued.counted ? "\(quantity) lb" : "\(quantity) ×"
    }

    /// The change `+` (one more) or `-` (one less) makes: a package or a piece, or half a
    /// pound of a product weighed out.
    func step(_ action: CartCommand.Action) -> CartChange {
        let weighed = line.map { $0.unit == .lb } ?? (soldBy == .lb && !queued.counted)
        if weighed {
            return CartChange(action: action, productId: productId, quantity: Self.weighedStep, unit: .lb)
        }
        let counted = line.map { $0.estimatedWeight != nil } ?? queued.counted
        return CartChange(action: action, productId: productId, quantity: 1, unit: counted ? .each : nil)
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
    static func product(_ productId: String, in model: Model) -> (name: String, unit: SaleUnit, pieceWeight: Double?)? {
        if let line = model.cart?.items.first(where: { $0.productId == productId }) {
            return (line.name, line.estimatedWeight != nil ? .lb : line.unit, line.estimatedWeight.map { $0 / max(line.quantity, 1) })
        }
        let products = (model.lastResult?.items ?? []).flatMap(\.candidates) + [model.swappedTo].compactMap { $0 }
        if let product = products.first(where: { $0.id == productId }) { return (product.name, product.unit, product.pieceWeight) }
        if let change = model.pendingChanges.first(where: { $0.command.productId == productId && $0.name != nil }), let name = change.name {
            return (name, change.unit ?? .each, change.pieceWeight)
        }
        return nil
    }
}
