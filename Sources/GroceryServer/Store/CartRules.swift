import Foundation
import GRDB
import GroceryNLP
import GroceryProtocol

/// The cart operations inside one write transaction: validation, then the change.
struct CartRules {
    let catalog: Catalog
    let db: Database
    let userId: String

    /// Largest quantity of one line.
    static let maxQuantity = 999.0

    struct Result {
        var replies: [ServerMessage]
        var changed: Bool
    }

    /// Cents for a line: unit price × quantity (in thousandths), rounded half up.
    static func lineCents(priceCents: Int, quantityMilli: Int) -> Int {
        (priceCents * quantityMilli + 500) / 1000
    }

    func apply(_ command: CartCommand, now: Date) throws -> Result {
        let id = command.id
        func refuse(_ code: ErrorCode, _ message: String) -> Result {
            Result(replies: [.error(id: id, code: code, message: message)], changed: false)
        }
        switch command.action {
        case .get:
            return Result(replies: [.ack(id: id)], changed: false)
        case .clear:
            try db.execute(sql: "DELETE FROM carts WHERE user_id = ?", arguments: [userId])
            return Result(replies: [.ack(id: id)], changed: db.changesCount > 0)
        case .checkout:
            return try checkout(id: id, now: now)
        case .orders:
            return Result(replies: [.ack(id: id), .orders(id: id, try Self.orders(db, userId: userId))], changed: false)
        case .add, .remove, .update:
            guard let productId = command.productId else { return refuse(.invalidField, "\(command.action.rawValue) needs \"productId\"") }
            guard let product = catalog.product(id: productId) else { return refuse(.notFound, "no product \"\(productId)\"") }
            let current = try Row.fetchOne(
                db, sql: "SELECT quantity_milli, counted FROM carts WHERE user_id = ? AND product_id = ?", arguments: [userId, productId]
            ).map { LineAmount(milli: $0["quantity_milli"], counted: $0["counted"]) }
            // Without a unit: the line's own measure for a remove or update ("remove 1" of 4
            // apples is one apple), else the product's.
            let lineUnit: SaleUnit? = command.action == .add ? nil : current.map { $0.counted ? .each : product.soldBy }
            let unit = command.unit ?? lineUnit ?? product.soldBy
            if product.soldBy == .each, unit == .lb {
                return refuse(.invalidField, "\"\(product.displayName)\" is sold by the package, not by weight")
            }
            let counted = product.soldBy == .lb && unit == .each
            // (A counted line of a product that has since lost its piece weight can still go.)
            if counted, product.pieceWeightMilli == nil, command.action != .remove {
                return refuse(.invalidField, "\"\(product.displayName)\" is sold by weight only: give a quantity in lb")
            }
            func given(allowZero: Bool) -> LineAmount? {
                milli(command.quantity ?? 1, whole: unit == .each, allowZero: allowZero).map { LineAmount(milli: $0, counted: counted) }
            }
            var target: LineAmount
            switch command.action {
            case .add:
                guard let amount = given(allowZero: false) else { return refuse(.invalidField, quantityRule(product, unit)) }
                target = current.map { $0.adding(amount, product) } ?? amount
            case .update:
                guard command.quantity != nil else { return refuse(.invalidField, "cart.update needs \"quantity\"") }
                guard let amount = given(allowZero: true) else { return refuse(.invalidField, quantityRule(product, unit)) }
                target = amount
            default:
                guard let current else { return refuse(.notFound, "\"\(productId)\" is not in the cart") }
                if command.quantity != nil {
                    guard let amount = given(allowZero: false) else { return refuse(.invalidField, quantityRule(product, unit)) }
                    target = current.removing(amount, product)
                } else {
                    target = LineAmount(milli: 0, counted: current.counted)
                }
            }
            // At most 999 of the line's measure, and pieces at most 999 lb between them. A
            // remove only ever makes a line smaller, so it is never refused for size.
            let tooMuch = target.milli > Int(Self.maxQuantity * 1000) || (target.counted && target.weightMilli(product) > Int(Self.maxQuantity * 1000))
            guard command.action == .remove || !tooMuch else {
                let measure = product.soldBy == .lb ? " lb" : ""
                return refuse(.invalidField, "a cart line holds at most \(Int(Self.maxQuantity))\(measure) of \"\(product.displayName)\"")
            }
            if target.milli == 0 {
                try db.execute(sql: "DELETE FROM carts WHERE user_id = ? AND product_id = ?", arguments: [userId, productId])
            } else if current == nil {
                let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM carts WHERE user_id = ?", arguments: [userId]) ?? 0) + 1
                try db.execute(
                    sql: "INSERT INTO carts (user_id, product_id, quantity_milli, counted, position) VALUES (?, ?, ?, ?, ?)",
                    arguments: [userId, productId, target.milli, target.counted, position])
            } else {
                try db.execute(
                    sql: "UPDATE carts SET quantity_milli = ?, counted = ? WHERE user_id = ? AND product_id = ?",
                    arguments: [target.milli, target.counted, userId, productId])
            }
            let unchanged = current.map { $0 == target } ?? (target.milli == 0)
            return Result(replies: [.ack(id: id)], changed: !unchanged)
        }
    }

    private func checkout(id: String, now: Date) throws -> Result {
        let (lines, totalCents) = try Self.pricedLines(db, userId: userId, catalog: catalog)
        guard !lines.isEmpty else {
            return Result(replies: [.error(id: id, code: .invalidField, message: "the cart is empty")], changed: false)
        }
        // What was bought, at the prices of the moment, with the names on the receipt.
        let items: [[String: Any]] = lines.map { line in
            let product = catalog.product(id: line.productId)
            let chargedMilli = Int(((line.estimatedWeight ?? line.quantity) * 1000).rounded())
            var item: [String: Any] = [
                "productId": line.productId, "name": line.name, "quantityMilli": chargedMilli, "unitPriceCents": product?.priceCents ?? 0,
            ]
            if line.estimatedWeight != nil { item["pieces"] = Int(line.quantity) }
            return item
        }
        let itemsJSON = String(decoding: try JSONSerialization.data(withJSONObject: items, options: [.sortedKeys]), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO orders (user_id, items, total_cents, created_at) VALUES (?, ?, ?, ?)",
            arguments: [userId, itemsJSON, totalCents, now.timeIntervalSince1970])
        let orderId = Int(db.lastInsertedRowID)
        try db.execute(sql: "DELETE FROM carts WHERE user_id = ?", arguments: [userId])
        let receipt = Receipt(orderId: orderId, items: lines, total: Money.dollars(cents: totalCents), placedAt: now.timeIntervalSince1970)
        return Result(replies: [.ack(id: id), .order(id: id, receipt)], changed: true)
    }

    /// The most orders `orders.get` answers with.
    static let ordersShown = 10

    /// The user's latest orders, newest first: summaries (number, time, lines, total),
    /// without the lines themselves, so the answer stays small whatever was bought (the
    /// lines were the checkout's receipt).
    static func orders(_ db: Database, userId: String) throws -> [Receipt] {
        try Row.fetchAll(
            db, sql: "SELECT id, items, total_cents, created_at FROM orders WHERE user_id = ? ORDER BY id DESC LIMIT ?",
            arguments: [userId, ordersShown]
        ).map { row in
            let stored = (try? JSONSerialization.jsonObject(with: Data((row["items"] as String).utf8))) as? [Any] ?? []
            return Receipt(
                orderId: row["id"], items: [], total: Money.dollars(cents: row["total_cents"]), placedAt: row["created_at"],
                itemCount: stored.count)
        }
    }

    /// The user's lines priced as the cart shows them, and their total in cents.
    static func pricedLines(_ db: Database, userId: String, catalog: Catalog) throws -> (lines: [CartSnapshot.Line], totalCents: Int) {
        var totalCents = 0
        let lines: [CartSnapshot.Line] = try lines(db, userId: userId).compactMap { productId, amount in
            guard let product = catalog.product(id: productId) else { return nil }
            let priced = amount.priced(product)
            totalCents += priced.cents
            return CartSnapshot.Line(
                productId: productId, name: product.displayName, quantity: Double(amount.milli) / 1000,
                unit: amount.counted ? .each : product.soldBy,
                estimatedWeight: amount.counted ? Double(priced.chargedMilli) / 1000 : nil,
                unitPrice: Money.dollars(cents: product.priceCents), lineTotal: Money.dollars(cents: priced.cents))
        }
        return (lines, totalCents)
    }

    /// The user's lines in the order they were first added.
    static func lines(_ db: Database, userId: String) throws -> [(productId: String, amount: LineAmount)] {
        try Row.fetchAll(
            db, sql: "SELECT product_id, quantity_milli, counted FROM carts WHERE user_id = ? ORDER BY position", arguments: [userId]
        ).map { ($0["product_id"], LineAmount(milli: $0["quantity_milli"], counted: $0["counted"])) }
    }

    /// A quantity in thousandths, or nil when it is not allowed (`whole`: packages or pieces).
    private func milli(_ quantity: Double, whole: Bool, allowZero: Bool) -> Int? {
        guard quantity.isFinite, quantity <= Self.maxQuantity, allowZero ? quantity >= 0 : quantity > 0 else { return nil }
        if whole, quantity != quantity.rounded() { return nil }
        let milli = Int((quantity * 1000).rounded())
        return allowZero || milli > 0 ? milli : nil
    }

    private func quantityRule(_ product: Product, _ unit: SaleUnit) -> String {
        unit == .each
            ? "quantity must be a whole number from 1 to \(Int(Self.maxQuantity)) for \"\(product.displayName)\""
            : "quantity must be more than 0 and at most \(Int(Self.maxQuantity)) lb for \"\(product.displayName)\""
    }
}

extension LineAmount {
    /// The weight in thousandths of a pound that a counted line is estimated at, or the
    /// quantity itself; and the cents it costs.
    func priced(_ product: Product) -> (chargedMilli: Int, cents: Int) {
        let charged = weightMilli(product)
        return (charged, CartRules.lineCents(priceCents: product.priceCents, quantityMilli: charged))
    }

    func weightMilli(_ product: Product) -> Int { weightMilli(pieceWeightMilli: product.pieceWeightMilli) }
    func adding(_ other: LineAmount, _ product: Product) -> LineAmount { adding(other, pieceWeightMilli: product.pieceWeightMilli) }
    func removing(_ other: LineAmount, _ product: Product) -> LineAmount { removing(other, pieceWeightMilli: product.pieceWeightMilli) }
}
