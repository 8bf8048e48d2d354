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
        case .add, .remove, .update:
            guard let productId = command.productId else { return refuse(.invalidField, "\(command.action.rawValue) needs \"productId\"") }
            guard let product = catalog.product(id: productId) else { return refuse(.notFound, "no product \"\(productId)\"") }
            let current = try Int.fetchOne(
                db, sql: "SELECT quantity_milli FROM carts WHERE user_id = ? AND product_id = ?", arguments: [userId, productId])
            var target: Int
            switch command.action {
            case .add:
                guard let quantity = try milli(command.quantity ?? 1, product, allowZero: false) else {
                    return refuse(.invalidField, quantityRule(product))
                }
                target = (current ?? 0) + quantity
            case .update:
                guard let given = command.quantity else { return refuse(.invalidField, "cart.update needs \"quantity\"") }
                guard let quantity = try milli(given, product, allowZero: true) else { return refuse(.invalidField, quantityRule(product)) }
                target = quantity
            default:
                guard let current else { return refuse(.notFound, "\"\(productId)\" is not in the cart") }
                if let given = command.quantity {
                    guard let quantity = try milli(given, product, allowZero: false) else { return refuse(.invalidField, quantityRule(product)) }
                    target = max(0, current - quantity)
                } else {
                    target = 0
                }
            }
            guard target <= Int(Self.maxQuantity * 1000) else {
                return refuse(.invalidField, "a cart line holds at most \(Int(Self.maxQuantity)) of \"\(product.displayName)\"")
            }
            if target == 0 {
                try db.execute(sql: "DELETE FROM carts WHERE user_id = ? AND product_id = ?", arguments: [userId, productId])
            } else if current == nil {
                let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM carts WHERE user_id = ?", arguments: [userId]) ?? 0) + 1
                try db.execute(
                    sql: "INSERT INTO carts (user_id, product_id, quantity_milli, position) VALUES (?, ?, ?, ?)",
                    arguments: [userId, productId, target, position])
            } else {
                try db.execute(
                    sql: "UPDATE carts SET quantity_milli = ? WHERE user_id = ? AND product_id = ?", arguments: [target, userId, productId])
            }
            return Result(replies: [.ack(id: id)], changed: target != (current ?? 0))
        }
    }

    private func checkout(id: String, now: Date) throws -> Result {
        let rows = try Row.fetchAll(db, sql: "SELECT product_id, quantity_milli FROM carts WHERE user_id = ? ORDER BY position", arguments: [userId])
        guard !rows.isEmpty else {
            return Result(replies: [.error(id: id, code: .invalidField, message: "the cart is empty")], changed: false)
        }
        var totalCents = 0
        var items: [[String: Any]] = []
        for row in rows {
            let productId: String = row["product_id"]
            let milli: Int = row["quantity_milli"]
            let priceCents = catalog.product(id: productId)?.priceCents ?? 0
            totalCents += Self.lineCents(priceCents: priceCents, quantityMilli: milli)
            items.append(["productId": productId, "quantityMilli": milli, "unitPriceCents": priceCents])
        }
        let itemsJSON = String(decoding: try JSONSerialization.data(withJSONObject: items, options: [.sortedKeys]), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO orders (user_id, items, total_cents, created_at) VALUES (?, ?, ?, ?)",
            arguments: [userId, itemsJSON, totalCents, now.timeIntervalSince1970])
        let orderId = Int(db.lastInsertedRowID)
        try db.execute(sql: "DELETE FROM carts WHERE user_id = ?", arguments: [userId])
        return Result(
            replies: [.ack(id: id), .order(id: id, orderId: orderId, total: Money.dollars(cents: totalCents), itemCount: rows.count)],
            changed: true)
    }

    /// A quantity in thousandths, or nil when it is not allowed for this product.
    private func milli(_ quantity: Double, _ product: Product, allowZero: Bool) throws -> Int? {
        guard quantity.isFinite, quantity <= Self.maxQuantity, allowZero ? quantity >= 0 : quantity > 0 else { return nil }
        if product.soldBy == .each, quantity != quantity.rounded() { return nil }
        let milli = Int((quantity * 1000).rounded())
        return allowZero || milli > 0 ? milli : nil
    }

    private func quantityRule(_ product: Product) -> String {
        product.soldBy == .each
            ? "quantity must be a whole number from 1 to \(Int(Self.maxQuantity)) for \"\(product.displayName)\""
            : "quantity must be more than 0 and at most \(Int(Self.maxQuantity)) lb for \"\(product.displayName)\""
    }
}
