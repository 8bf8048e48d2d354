import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

/// Issue 32: several connections of one user changing the cart at once. Each change's
/// snapshot is broadcast by the task that committed it, so the tasks race; a connection
/// must still see versions rise and be left holding the cart the database holds.
@Suite("Cart snapshots in order", .timed)
struct CartOrderTests {
    /// Everything a connection was sent, by kind.
    struct Received {
        var versions: [Int] = []
        var last: CartSnapshot?
        var acks = 0
    }

    /// Reads `socket` until it has `acks` acks and a snapshot of `finalVersion` (or a
    /// frame does not come within the watchdog).
    static func read(_ socket: TestSocket, acks: Int, finalVersion: Int) async throws -> Received {
        var received = Received()
        while received.acks < acks || received.last?.version != finalVersion {
            switch try await socket.nextMessage(timeout: .seconds(60)) {
            case .cart(let cart)?:
                received.versions.append(cart.version)
                received.last = cart
            case .ack?:
                received.acks += 1
            case let other?:
                throw TestFailure("unexpected \(other)")
            case nil:
                throw TestFailure("the connection ended after \(received.acks) acks, versions up to \(received.versions.last ?? -1)")
            }
        }
        return received
    }

    @Test("4 writers and 1 listener, 1,000 changes: every connection's versions rise and it ends on the database's cart")
    func concurrentWriters() async throws {
        let (writers, changesEach) = (4, 250)
        let products = ["banana", "milk-whole-gallon", "apple-gala", "lemon", "lime", "blueberries-pint"]
        try await withServer({ configuration in
            // The writers send all their changes at once: the test is about order, not pace.
            configuration.limits.messagesPerSecond = 100_000
            configuration.limits.messageBurst = 100_000
        }) { server in
            let listener = try await groceryClient(server, user: "ora").0
            var sockets: [TestSocket] = []
            for _ in 0..<writers { sockets.append(try await groceryClient(server, user: "ora").0) }
            for (writer, socket) in sockets.enumerated() {
                for change in 0..<changesEach {
                    let product = products[(writer + change) % products.count]
                    let unit: SaleUnit? = product == "banana" || product == "apple-gala" ? .lb : nil
                    socket.send(.cart(CartCommand(id: "w\(writer)-\(change)", action: .add, productId: product, quantity: 1, unit: unit)))
                }
            }
            let total = writers * changesEach
            let received = try await withThrowingTaskGroup(of: Received.self) { group in
                for socket in sockets { group.addTask { try await Self.read(socket, acks: changesEach, finalVersion: total) } }
                group.addTask { try await Self.read(listener, acks: 0, finalVersion: total) }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let (truthSocket, truth) = try await groceryClient(server, user: "ora")
            #expect(truth.version == total)
            for connection in received {
                let backwards = zip(connection.versions, connection.versions.dropFirst()).filter { $0 >= $1 }
                #expect(backwards.isEmpty, "versions not rising: \(backwards.prefix(5)) of \(connection.versions.count)")
                #expect(connection.last == truth)
            }
            for socket in sockets + [listener, truthSocket] { try await socket.close() }
        }
    }
}
