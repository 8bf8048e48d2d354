import Foundation
import GroceryNLP
import GroceryProtocol
import Testing

@testable import GroceryServer

/// Issue 32: one measure per line. Random sequences of adds, removes and updates in
/// mixed measures (pieces, pounds, packages) against the store, checked after every
/// command against what the shopper said: a line is pieces or a weight; a weight said is
/// applied as a weight whatever the line holds; pieces and pounds of one product make a
/// weight; nothing goes below zero; the total in cents is the sum of the lines.
@Suite("One measure per line (seeded property test)")
struct LineMeasureTests {
    /// What a line should hold, by the design's rules.
    enum Held: Equatable {
        case pieces(Int)
        case pounds(milli: Int)
        case packages(Int)
    }

    /// The products exercised: two sold by the pound with a piece weight, one package.
    static let products = ["apple-gala", "banana", "milk-whole-gallon"]

    static func weight(_ held: Held, pieceMilli: Int) -> Int {
        switch held {
        case .pieces(let count): count * pieceMilli
        case .pounds(let milli): milli
        case .packages: 0
        }
    }

    /// The line after `command`, or nil when it is gone; the same value when the command is
    /// one the store must refuse (checked by the caller).
    static func expected(_ current: Held?, _ command: CartCommand, product: Product) -> Held? {
        let pieceMilli = product.pieceWeightMilli ?? 1000
        let milli = Int(((command.quantity ?? 1) * 1000).rounded())
        if product.soldBy == .each {
            let count = Int(command.quantity ?? 1)
            let had: Int = if case .packages(let n)? = current { n } else { 0 }
            switch command.action {
            case .add: return .packages(had + count)
            case .remove: return command.quantity == nil || had - count <= 0 ? nil : .packages(had - count)
            default: return count == 0 ? nil : .packages(count)
            }
        }
        let saidPieces = command.unit == .each
        switch command.action {
        case .add:
            switch (current, saidPieces) {
            case (nil, true): return .pieces(Int(command.quantity!))
            case (nil, false): return .pounds(milli: milli)
            case (.pieces(let count)?, true): return .pieces(count + Int(command.quantity!))
            case (let held?, _): return .pounds(milli: weight(held, pieceMilli: pieceMilli) + (saidPieces ? Int(command.quantity!) * pieceMilli : milli))
            }
        case .remove:
            guard let current, command.quantity != nil else { return nil }
            if case .pieces(let count) = current, saidPieces {
                let left = count - Int(command.quantity!)
                return left > 0 ? .pieces(left) : nil
            }
            let left = weight(current, pieceMilli: pieceMilli) - (saidPieces ? Int(command.quantity!) * pieceMilli : milli)
            return left > 0 ? .pounds(milli: left) : nil
        default:
            if milli == 0 { return nil }
            return saidPieces ? .pieces(Int(command.quantity!)) : .pounds(milli: milli)
        }
    }

    static func held(_ line: CartSnapshot.Line) -> Held {
        if line.estimatedWeight != nil { return .pieces(Int(line.quantity)) }
        return line.unit == .lb ? .pounds(milli: Int((line.quantity * 1000).rounded())) : .packages(Int(line.quantity))
    }

    static func randomCommand(_ id: Int, using random: inout SplitMix64) -> CartCommand {
        let productId = products[Int(random.next() % UInt64(products.count))]
        let action: CartCommand.Action = [.add, .add, .remove, .update][Int(random.next() % 4)]
        let byWeight = random.next() % 2 == 0
        // Whole pieces and packages; pounds in quarters, some of them halves of a pound.
        let quantity: Double? =
            action == .remove && random.next() % 5 == 0 ? nil
            : byWeight ? Double(random.next() % 12 + (action == .update ? 0 : 1)) / 4 : Double(random.next() % 5 + (action == .update ? 0 : 1))
        let unit: SaleUnit? = productId == "milk-whole-gallon" ? (byWeight ? .lb : nil) : (byWeight ? .lb : .each)
        return CartCommand(id: "c\(id)", action: action, productId: productId, quantity: quantity, unit: unit)
    }

    @Test("200 seeded sequences of 40 mixed-measure changes: each line is what was said, nothing negative, total = sum of lines")
    func sequences() async throws {
        let catalog = Catalog.bundled
        for seed in UInt64(1)...200 {
            var random = SplitMix64(seed: seed)
            let store = try GroceryStore(path: ":memory:")
            var held: [String: Held] = [:]
            for step in 0..<40 {
                let command = Self.randomCommand(step, using: &random)
                let product = try #require(catalog.product(id: command.productId!))
                let outcome = try await store.apply(command, userId: "prop")
                let refused = outcome.replies.first?.contains(#""type":"error""#) ?? false
                let want = Self.expected(held[product.id], command, product: product)
                // Refusals the rules allow: a weight of a package, pieces past 999 lb, a line
                // past 999, taking from a line that is not there. Anything else is a defect.
                if refused {
                    let weightOfPackage = product.soldBy == .each && command.unit == .lb
                    let tooMuch = want.map { held in
                        if case .packages(let count) = held { return count > 999 }
                        return Self.weight(held, pieceMilli: product.pieceWeightMilli ?? 0) > 999_000
                    } ?? false
                    let absent = command.action == .remove && held[product.id] == nil
                    #expect(weightOfPackage || tooMuch || absent, "seed \(seed) step \(step): \(command) refused: \(outcome.replies)")
                } else {
                    held[product.id] = want
                }
                let lines = Dictionary(uniqueKeysWithValues: outcome.cart.items.map { ($0.productId, Self.held($0)) })
                #expect(lines == held, "seed \(seed) step \(step) after \(command)")
                #expect(outcome.cart.items.allSatisfy { $0.quantity > 0 && $0.lineTotal >= 0 })
                let cents = outcome.cart.items.reduce(0) { $0 + Int(($1.lineTotal * 100).rounded()) }
                #expect(cents == Int((outcome.cart.total * 100).rounded()), "seed \(seed) step \(step)")
                if lines != held { return }  // one defect's report, not 8,000
            }
            try store.close()
        }
    }
}
