import Foundation
import GroceryProtocol
import GroceryTestSupport
import NIOWebSocket
import Testing

@Suite("grocery serve (real process)", .timed)
struct ServeCommandTests {
    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("grocery-test-\(UUID().uuidString).sqlite").path
    }

    @Test("SIGTERM: reconnect with a delay from the window, close 1001, exit 0; one log line per connection, no contents")
    func gracefulShutdown() async throws {
        let database = Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: database) }
        let server = try await ServeProcess.start(["--db", database, "--reconnect-after-ms", "2000-3000", "--shutdown-grace", "3"])
        let walmart = try await TestSocket.connect(server.walmartURL)
        let grocery = try await TestSocket.connect(server.groceryURL)
        walmart.send(.hello(.init(sessionId: nil, userId: "quinn")))
        _ = try await walmart.nextMessage()
        walmart.send(.nlpQuery(id: "secret-query", text: "add pickled herring please"))
        _ = try await walmart.nextMessage()
        _ = try await walmart.nextMessage()

        server.signal(SIGTERM)
        for socket in [walmart, grocery] {
            guard case .reconnect(let retryAfterMs) = try await socket.nextMessage() else { throw TestFailure("expected reconnect") }
            #expect((2000...3000).contains(retryAfterMs))
            #expect(try await socket.closed()?.closeCode == .goingAway)
        }
        #expect(try await server.exitStatus(within: .seconds(15)) == 0)
        let log = server.standardError
        #expect(log.components(separatedBy: "connection opened").count - 1 == 2)
        #expect(log.components(separatedBy: "connection closed").count - 1 == 2)
        #expect(log.contains("code=1001"))
        #expect(!log.contains("pickled herring"))
    }

    @Test("kill -9 and restart on the same database: a repeated id is answered, not applied again")
    func exactlyOnceAcrossCrash() async throws {
        let database = Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: database) }
        let add = CartCommand(id: "crash-1", action: .add, productId: "banana", quantity: 2)

        let first = try await ServeProcess.start(["--db", database])
        let before = try await TestSocket.connect(first.groceryURL)
        before.send(.hello(.init(sessionId: "s", userId: "rita")))
        _ = try await before.nextMessage()
        _ = try await before.nextMessage()
        before.send(.cart(add))
        #expect(try await before.nextMessage() == .ack(id: "crash-1"))
        first.signal(SIGKILL)
        #expect(try await first.exitStatus(within: .seconds(15)) == 128 + SIGKILL)

        let second = try await ServeProcess.start(["--db", database])
        let after = try await TestSocket.connect(second.groceryURL)
        after.send(.hello(.init(sessionId: "s", userId: "rita")))
        #expect(try await after.nextMessage() == .welcome(sessionId: "s", resumed: true, heartbeatMs: 30_000, messageRate: MessageRate(perSecond: 100, burst: 200)))
        guard case .cart(let kept) = try await after.nextMessage() else { throw TestFailure("expected cart") }
        #expect(kept.items.first?.quantity == 2)
        after.send(.cart(add))  // the client resends what it never saw acknowledged
        #expect(try await after.nextMessage() == .ack(id: "crash-1"))
        guard case .cart(let same) = try await after.nextMessage() else { throw TestFailure("expected cart") }
        #expect(same.items.first?.quantity == 2)
        #expect(same.version == kept.version)
        try await after.close()
        second.signal(SIGTERM)
        #expect(try await second.exitStatus(within: .seconds(15)) == 0)
    }

    @Test("a port already taken is a clear error, not a crash")
    func portTaken() async throws {
        let holder = try await ServeProcess.start(["--db", ":memory:"])
        let outcome = try await GroceryProcess.run(["serve", "--walmart-port", String(holder.walmartPort), "--grocery-port", "0", "--db", ":memory:"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("grocery serve:"))
        holder.signal(SIGTERM)
        _ = try await holder.exitStatus(within: .seconds(15))
    }

    @Test("bad option values are usage errors (exit 2)")
    func badOptions() async throws {
        #expect(try await GroceryProcess.run(["serve", "--walmart-port", "70000"]).status == 2)
        #expect(try await GroceryProcess.run(["serve", "--reconnect-after-ms", "9-1"]).status == 2)
        let environment = try await GroceryProcess.run(["serve", "--db", ":memory:"], environment: ["GROCERY_MESSAGES_PER_SECOND": "lots"])
        #expect(environment.status == 2)
        #expect(environment.stderr.contains("GROCERY_MESSAGES_PER_SECOND"))
    }
}

@Suite("grocery bench against a running server", .timed)
struct BenchCommandTests {
    @Test("load, handshake and client print their JSON figures (figures not asserted)")
    func benches() async throws {
        let server = try await ServeProcess.start(["--db", ":memory:", "--messages-per-second", "0"])
        let url = "ws://127.0.0.1:\(server.walmartPort)/ws/walmart"
        for (arguments, keys) in [
            (["bench", "load", "--url", url, "--connections", "3", "--messages", "5", "--json"], ["messagesPerSecond", "p50Ms", "p99Ms"]),
            (["bench", "handshake", "--url", url, "--count", "10", "--json"], ["p50Ms", "p99Ms"]),
            (["bench", "client", "--url", url, "--channels", "5", "--json"], ["bytesPerChannel", "channels"]),
        ] {
            let outcome = try await GroceryProcess.run(arguments)
            #expect(outcome.status == 0, "\(arguments) \(outcome.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], "\(outcome.stdout)")
            for key in keys { #expect(object[key] is NSNumber, "\(arguments[1]) \(key)") }
        }
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }
}
