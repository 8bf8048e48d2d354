import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

/// Connects to the grocery channel as `user` and reads welcome and the first cart.
func groceryClient(_ server: TestServer, user: String) async throws -> (TestSocket, CartSnapshot) {
    let socket = try await TestSocket.connect(server.groceryURL)
    socket.send(.hello(.init(sessionId: nil, userId: user)))
    guard case .welcome = try await socket.nextMessage() else { throw TestFailure("expected welcome") }
    guard case .cart(let cart) = try await socket.nextMessage() else { throw TestFailure("expected cart after welcome") }
    return (socket, cart)
}

/// Sends a cart command and reads the ack (or error) and the cart that follows.
func command(_ socket: TestSocket, _ command: CartCommand) async throws -> (ServerMessage, CartSnapshot) {
    socket.send(.cart(command))
    let reply = try await socket.nextMessage()
    var next = try await socket.nextMessage()
    if case .order = next { next = try await socket.nextMessage() }
    guard let reply, case .cart(let cart) = next else { throw TestFailure("expected a reply and a cart, got \(String(describing: next))") }
    return (reply, cart)
}

@Suite("Grocery channel", .timed)
struct GroceryChannelTests {
    @Test("add, update, remove, clear, with exact cent totals")
    func changes() async throws {
        try await withServer { server in
            let (socket, first) = try await groceryClient(server, user: "alice")
            #expect(first == CartSnapshot(epoch: first.epoch, version: 0, items: [], total: 0))
            #expect(!first.epoch.isEmpty)
            var (reply, cart) = try await command(socket, CartCommand(id: "a1", action: .add, productId: "milk-whole-gallon", quantity: 2))
            #expect(reply == .ack(id: "a1"))
            #expect(cart.version == 1)
            #expect(cart.items.map(\.productId) == ["milk-whole-gallon"])
            #expect(cart.items.first?.lineTotal == 6.96)
            (_, cart) = try await command(socket, CartCommand(id: "a2", action: .add, productId: "banana", quantity: 1.5))
            #expect(cart.items.last?.unit == .lb)
            #expect(cart.items.last?.lineTotal == 0.87)  // 0.58 × 1.5 = 0.87
            #expect(cart.total == 7.83)
            (_, cart) = try await command(socket, CartCommand(id: "a3", action: .update, productId: "milk-whole-gallon", quantity: 5))
            #expect(cart.items.first?.quantity == 5)
            #expect(cart.total == 18.27)
            (_, cart) = try await command(socket, CartCommand(id: "a4", action: .remove, productId: "milk-whole-gallon", quantity: 2))
            #expect(cart.items.first?.quantity == 3)
            (_, cart) = try await command(socket, CartCommand(id: "a5", action: .remove, productId: "banana"))
            #expect(cart.items.count == 1)
            (_, cart) = try await command(socket, CartCommand(id: "a6", action: .clear))
            #expect(cart.items.isEmpty && cart.total == 0)
            #expect(cart.version == 6)
            try await socket.close()
        }
    }

    /// Issue 14: "4 apples" is four apples at an estimated weight, not 4 lb.
    @Test("pieces of a product sold by the pound: counted, priced from the estimated weight in exact cents")
    func piecesByEstimatedWeight() async throws {
        try await withServer { server in
            let (socket, _) = try await groceryClient(server, user: "pia")
            // Gala apples: $1.47/lb, 0.375 lb a piece. 4 pieces ≈ 1.5 lb → 220.5 ¢, rounded half up.
            var (reply, cart) = try await command(
                socket, CartCommand(id: "p1", action: .add, productId: "apple-gala", quantity: 4, unit: .each))
            #expect(reply == .ack(id: "p1"))
            #expect(cart.items == [.init(productId: "apple-gala", name: "Gala Apples", quantity: 4, unit: .each, estimatedWeight: 1.5, unitPrice: 1.47, lineTotal: 2.21)])
            #expect(cart.total == 2.21)
            // Set to 3 pieces: 1.125 lb → 165.375 ¢.
            (_, cart) = try await command(socket, CartCommand(id: "p2", action: .update, productId: "apple-gala", quantity: 3, unit: .each))
            #expect(cart.items.first?.quantity == 3 && cart.items.first?.estimatedWeight == 1.125 && cart.total == 1.65)
            // Take one out, in the line's own measure when no unit is said: 2 pieces, 0.75 lb → 110.25 ¢.
            (_, cart) = try await command(socket, CartCommand(id: "p3", action: .remove, productId: "apple-gala", quantity: 1))
            #expect(cart.items.first?.quantity == 2 && cart.items.first?.unit == .each && cart.total == 1.10)
            // A pound more makes a weighed line: 0.75 + 1 = 1.75 lb → 257.25 ¢.
            (_, cart) = try await command(socket, CartCommand(id: "p4", action: .add, productId: "apple-gala", quantity: 1))
            #expect(cart.items == [.init(productId: "apple-gala", name: "Gala Apples", quantity: 1.75, unit: .lb, unitPrice: 1.47, lineTotal: 2.57)])
            // Pieces are capped at 999 lb between them too (30 × 14 lb turkeys = 420 lb fits,
            // 72 would be 1008 lb); a remove is never refused for size.
            var (capped, _) = try await command(socket, CartCommand(id: "t1", action: .add, productId: "turkey-whole-frozen", quantity: 30, unit: .each))
            #expect(capped == .ack(id: "t1"))
            (capped, _) = try await command(socket, CartCommand(id: "t2", action: .add, productId: "turkey-whole-frozen", quantity: 42, unit: .each))
            guard case .error(_, .invalidField, _) = capped else { throw TestFailure("1008 lb of turkey accepted: \(capped)") }
            (capped, cart) = try await command(socket, CartCommand(id: "t3", action: .remove, productId: "turkey-whole-frozen", quantity: 1, unit: .lb))
            #expect(capped == .ack(id: "t3") && cart.items.last?.quantity == 419 && cart.items.last?.unit == .lb)
            // Checkout charges the estimate: 6 chicken breasts (0.5 lb each, $3.47/lb) = 3 lb = $10.41.
            (_, cart) = try await command(socket, CartCommand(id: "p5", action: .clear))
            _ = try await command(socket, CartCommand(id: "p6", action: .add, productId: "chicken-breast-boneless", quantity: 6, unit: .each))
            socket.send(.cart(CartCommand(id: "p7", action: .checkout)))
            #expect(try await socket.nextMessage() == .ack(id: "p7"))
            guard case .order(_, let receipt) = try await socket.nextMessage() else { throw TestFailure("expected order") }
            #expect(receipt.total == 10.41 && receipt.itemCount == 1)
            #expect(receipt.items.first?.quantity == 6 && receipt.items.first?.estimatedWeight == 3 && receipt.items.first?.lineTotal == 10.41)
            try await socket.close()
        }
    }

    @Test("checkout records an order and empties the cart")
    func checkout() async throws {
        try await withServer { server in
            let (socket, _) = try await groceryClient(server, user: "carol")
            _ = try await command(socket, CartCommand(id: "c1", action: .add, productId: "eggs-large-12ct", quantity: 2))
            socket.send(.cart(CartCommand(id: "c2", action: .checkout)))
            #expect(try await socket.nextMessage() == .ack(id: "c2"))
            guard case .order(let id, let receipt) = try await socket.nextMessage() else { throw TestFailure("expected order") }
            #expect(id == "c2" && receipt.total == 6.94 && receipt.itemCount == 1)
            #expect(receipt.items.map(\.productId) == ["eggs-large-12ct"] && receipt.items.first?.quantity == 2 && receipt.items.first?.lineTotal == 6.94)
            guard case .cart(let cart) = try await socket.nextMessage() else { throw TestFailure("expected cart") }
            #expect(cart.items.isEmpty)
            // The order is listed afterwards with the same lines, and so is a second one, newest first.
            _ = try await command(socket, CartCommand(id: "c4", action: .add, productId: "banana", quantity: 1.5))
            socket.send(.cart(CartCommand(id: "c5", action: .checkout)))
            #expect(try await socket.nextMessage() == .ack(id: "c5"))
            guard case .order(_, let second) = try await socket.nextMessage() else { throw TestFailure("expected order") }
            guard case .cart = try await socket.nextMessage() else { throw TestFailure("expected cart") }
            socket.send(.cart(CartCommand(id: "c6", action: .orders)))
            #expect(try await socket.nextMessage() == .ack(id: "c6"))
            guard case .orders(let listId, let orders) = try await socket.nextMessage() else { throw TestFailure("expected orders") }
            #expect(listId == "c6" && orders.map(\.orderId) == [second.orderId, receipt.orderId])
            #expect(orders.map(\.itemCount) == [1, 1] && orders.map(\.total) == [0.87, 6.94] && orders.allSatisfy(\.items.isEmpty))
            #expect(orders.last?.placedAt == receipt.placedAt)
            guard case .cart = try await socket.nextMessage() else { throw TestFailure("expected the cart after the list") }
            let (reply, _) = try await command(socket, CartCommand(id: "c3", action: .checkout))
            guard case .error(_, .invalidField, _) = reply else { throw TestFailure("empty checkout should be refused") }
            try await socket.close()
        }
    }

    @Test(
        "bad cart commands are refused with a reason and change nothing",
        arguments: [
            (CartCommand(id: "x1", action: .add, productId: "no-such-thing", quantity: 1), ErrorCode.notFound),
            (CartCommand(id: "x2", action: .add, productId: "milk-whole-gallon", quantity: 1.5), .invalidField),
            (CartCommand(id: "x3", action: .add, productId: "milk-whole-gallon", quantity: 0), .invalidField),
            (CartCommand(id: "x4", action: .add, productId: "milk-whole-gallon", quantity: -1), .invalidField),
            (CartCommand(id: "x5", action: .add, productId: "milk-whole-gallon", quantity: 1000), .invalidField),
            (CartCommand(id: "x6", action: .add, quantity: 1), .invalidField),
            (CartCommand(id: "x7", action: .remove, productId: "banana"), .notFound),
            (CartCommand(id: "x8", action: .update, productId: "banana"), .invalidField),
            // Sold by the package: no weights. Sold by weight only: no pieces. Pieces are whole.
            (CartCommand(id: "x9", action: .add, productId: "milk-whole-gallon", quantity: 1, unit: .lb), .invalidField),
            (CartCommand(id: "x10", action: .add, productId: "grapes-red-seedless", quantity: 2, unit: .each), .invalidField),
            (CartCommand(id: "x11", action: .add, productId: "apple-gala", quantity: 1.5, unit: .each), .invalidField),
            (CartCommand(id: "x12", action: .add, productId: "apple-gala", quantity: 1000, unit: .each), .invalidField),
        ])
    func refused(_ bad: CartCommand, _ code: ErrorCode) async throws {
        try await withServer { server in
            let (socket, _) = try await groceryClient(server, user: "dave")
            let (reply, cart) = try await command(socket, bad)
            guard case .error(let id, let gotCode, _) = reply else { throw TestFailure("expected error, got \(reply)") }
            #expect(id == bad.id && gotCode == code)
            #expect(cart.version == 0 && cart.items.isEmpty)
            try await socket.close()
        }
    }

    @Test("two terminals of one user see every change; another user's cart is separate")
    func sharedCart() async throws {
        try await withServer { server in
            let (first, _) = try await groceryClient(server, user: "erin")
            let (second, _) = try await groceryClient(server, user: "erin")
            let (stranger, _) = try await groceryClient(server, user: "frank")
            _ = try await command(first, CartCommand(id: "e1", action: .add, productId: "banana", quantity: 3))
            guard case .cart(let seen) = try await second.nextMessage() else { throw TestFailure("second terminal got no cart") }
            #expect(seen.items.first?.quantity == 3)
            let (_, own) = try await command(stranger, CartCommand(id: "f1", action: .get))
            #expect(own.items.isEmpty)
            for socket in [first, second, stranger] { try await socket.close() }
        }
    }

    @Test("a repeated message id is answered the same and applied once")
    func exactlyOnce() async throws {
        try await withServer { server in
            let (socket, _) = try await groceryClient(server, user: "gina")
            let add = CartCommand(id: "dup-1", action: .add, productId: "banana", quantity: 2)
            let (firstReply, firstCart) = try await command(socket, add)
            let (secondReply, secondCart) = try await command(socket, add)
            #expect(firstReply == secondReply)
            #expect(secondCart == firstCart)
            #expect(secondCart.items.first?.quantity == 2)
            // The same id from another user is that user's own message.
            let (other, _) = try await groceryClient(server, user: "hank")
            let (_, otherCart) = try await command(other, add)
            #expect(otherCart.items.first?.quantity == 2)
            try await socket.close()
            try await other.close()
        }
    }
}
