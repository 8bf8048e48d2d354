import Foundation
import GroceryNLP
import GroceryProtocol
import GroceryTestSupport
import Testing

@Suite("grocery pipe (real processes)", .timed)
struct PipeCommandTests {
    static func scratch() -> URL {
        scratchFolder("pipe")
    }

    static func urls(_ walmart: Int, _ grocery: Int) -> [String] {
        ["--walmart-url", "ws://127.0.0.1:\(walmart)/ws/walmart", "--grocery-url", "ws://127.0.0.1:\(grocery)/ws/grocery"]
    }

    /// Reads the cart of `user` straight from a server.
    static func cart(of user: String, port: Int) async throws -> CartSnapshot {
        let socket = try await TestSocket.connect("ws://127.0.0.1:\(port)/ws/grocery")
        socket.send(.hello(.init(sessionId: nil, userId: user)))
        _ = try await socket.nextMessage()
        guard case .cart(let cart) = try await socket.nextMessage() else { throw TestFailure("expected cart") }
        try await socket.close()
        return cart
    }

    /// A throw-away server and a pipe of `user` against it, with its own queue file.
    static func pipeAgainstNewServer(user: String, _ options: [String] = []) async throws -> (ServeProcess, PipeProcess) {
        let server = try await ServeProcess.start(["--db", ":memory:"])
        let queueFile = scratch().appendingPathComponent("q.json").path
        do {
            return (server, try PipeProcess(urls(server.walmartPort, server.groceryPort) + ["--user-id", user, "--queue-file", queueFile] + options))
        } catch {
            server.signal(SIGKILL)
            throw error
        }
    }

    @Test("events carry the documented fields; at EOF it drains and exits 0")
    func happyPath() async throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServeProcess.start(["--db", ":memory:"])
        let pipe = try PipeProcess(Self.urls(server.walmartPort, server.groceryPort) + ["--user-id", "vic", "--queue-file", folder.appendingPathComponent("q.json").path])
        pipe.send("add 2 gallons of milk")
        pipe.endInput()
        #expect(try await pipe.exitStatus(within: .seconds(20)) == 0)
        let events = pipe.events
        #expect(events.allSatisfy { $0["t"] is Int && $0["event"] is String })
        let queued = try #require(events.first { $0.event == "queued" })
        #expect(queued["depth"] as? Int == 1 && queued["id"] is String)
        #expect(events.contains { $0.event == "state" && $0["channel"] as? String == "walmart" && $0["state"] as? String == "connected" })
        #expect(events.contains { $0.event == "result" && ($0["result"] as? [String: Any])?["intent"] as? String == "add" })
        #expect(events.contains { $0.event == "delivered" && $0["id"] as? String == queued["id"] as? String })
        let cart = try #require(events.last { $0.event == "cart" })
        #expect(cart["version"] as? Int == 1 && cart["total"] as? Double == 6.96 && cart["items"] is [Any])
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    @Test("a result with an error or an unknown intent never changes the cart; the one real request does, once")
    func onlyUnderstoodRequestsChangeTheCart() async throws {
        let (server, pipe) = try await Self.pipeAgainstNewServer(user: "una")
        defer { server.signal(SIGKILL) }
        let noise = [
            "sudo reboot", "are you hiring", "tell me a joke", "add 0 limes", "add -3 bananas", "add", "change the milk", "drop table users",
            "what's the weather like", "remove",
        ]
        for line in noise { pipe.send(line) }
        pipe.send("add 2 limes")
        pipe.endInput()
        #expect(try await pipe.exitStatus(within: .seconds(30)) == 0, "\(pipe.standardError.suffix(400))")
        let results = pipe.events.filter { $0.event == "result" }
        #expect(results.count == noise.count + 1)
        // Only the last query's id has derived cart messages ("<query id>:<n>").
        let resultIDs = results.compactMap { $0["id"] as? String }
        let cartMessages = pipe.events.filter { $0.event == "queued" }.compactMap { $0["id"] as? String }.filter { $0.contains(":") }
        #expect(cartMessages == ["\(resultIDs.last ?? ""):0"], "\(cartMessages)")
        let cart = try await Self.cart(of: "una", port: server.groceryPort)
        #expect(cart.items.map(\.productId) == ["lime"] && cart.items.first?.quantity == 2 && cart.version == 1)
    }

    /// Issue 14: counts of products sold by the pound become pieces at an estimated weight;
    /// weights stay weights.
    @Test("'4 gala apples' is four apples at an estimated 1.5 lb, '2 lb of bananas' is 2 lb, 'take 1 … out' one apple; exact cents")
    func countsOfProductsSoldByWeight() async throws {
        let (server, pipe) = try await Self.pipeAgainstNewServer(user: "gus")
        defer { server.signal(SIGKILL) }
        pipe.send("add 4 gala apples")
        pipe.send("add 2 lb of bananas")
        pipe.send("take 1 of the gala apples out")
        pipe.endInput()
        #expect(try await pipe.exitStatus(within: .seconds(30)) == 0, "\(pipe.standardError.suffix(400))")
        // 4 apples ≈ 1.5 lb, less one: 3 ≈ 1.125 lb → 165.375 ¢ → $1.65; 2 lb of bananas $1.16.
        let cart = try await Self.cart(of: "gus", port: server.groceryPort)
        #expect(
            cart.items == [
                .init(productId: "apple-gala", name: "Gala Apples", quantity: 3, unit: .each, estimatedWeight: 1.125, unitPrice: 1.47, lineTotal: 1.65),
                .init(productId: "banana", name: "Bananas", quantity: 2, unit: .lb, unitPrice: 0.58, lineTotal: 1.16),
            ], "\(cart)")
        #expect(cart.total == 2.81)
        // The pipe's own cart events carry the estimate too (4 apples ≈ 1.5 lb at first).
        let lines = pipe.events.filter { $0.event == "cart" }.compactMap { ($0["items"] as? [[String: Any]])?.first }
        #expect(lines.contains { $0["estimatedWeight"] as? Double == 1.5 && $0["unit"] as? String == "each" && $0["quantity"] as? Double == 4 })
    }

    /// Issue 32: a weight said was read in the line's measure ("remove 1 lb" of 4 apples
    /// took one apple, "half a pound" was refused as not a whole number), and a package
    /// word on a product sold by the pound bought loose pieces.
    @Test("a weight said is a weight whatever the line holds; a package is the catalog's package or a refusal with a reason")
    func oneMeasurePerLine() async throws {
        let (server, pipe) = try await Self.pipeAgainstNewServer(user: "mia", ["--apply-unsure"])
        defer { server.signal(SIGKILL) }
        pipe.send("add 4 gala apples")  // ≈ 1.5 lb
        pipe.send("remove 1 lb of gala apples")  // 0.5 lb left, weighed
        pipe.send("add 4 gala apples")  // + 1.5 lb = 2 lb
        pipe.send("remove half a pound of gala apples")  // 1.5 lb
        pipe.send("add a bunch of bananas")  // refused: bananas are not sold by the bunch
        pipe.send("add 2 bags of apples")  // the catalog's bag
        pipe.endInput()
        #expect(try await pipe.exitStatus(within: .seconds(30)) == 0, "\(pipe.standardError.suffix(400))")
        let cart = try await Self.cart(of: "mia", port: server.groceryPort)
        #expect(
            cart.items == [
                .init(productId: "apple-gala", name: "Gala Apples", quantity: 1.5, unit: .lb, unitPrice: 1.47, lineTotal: 2.21),
                .init(productId: "apple-fuji-3lb-bag", name: "Fuji Apples 3 lb Bag", quantity: 2, unit: .each, unitPrice: 4.47, lineTotal: 8.94),
            ], "\(cart)")
        let refusals = pipe.events.filter { $0.event == "error" && $0["code"] as? String == "wrong_measure" }
        #expect(refusals.count == 1 && (refusals.first?["message"] as? String)?.contains("not by the bunch") == true, "\(refusals)")
    }

    @Test("server kill -9 and restart: the pipe waits with delays, reconnects and resends; the cart changes once")
    func serverRestart() async throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("server.sqlite").path
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let ports = ["--walmart-port", "\(walmartPort)", "--grocery-port", "\(groceryPort)", "--db", database]
        let first = try await ServeProcess.start(ports, fixedPorts: true)
        let pipe = try PipeProcess(
            Self.urls(walmartPort, groceryPort) + ["--user-id", "wes", "--initial-delay-ms", "100", "--max-delay-ms", "400",
                                                   // Enough attempts (~20 s) for a restart on a loaded CI machine: 10 (~4 s) once ran out.
                                                   "--max-attempts", "50",
                                                   "--queue-file", folder.appendingPathComponent("q.json").path])
        try await pipe.waitFor("connected") { $0["state"] as? String == "connected" && $0["channel"] as? String == "grocery" }
        first.signal(SIGKILL)
        _ = try await first.exitStatus(within: .seconds(15))
        let waiting = try await pipe.waitFor("waiting") { $0["state"] as? String == "waiting" }
        #expect(waiting["delayMs"] is Int && waiting["reason"] is String && waiting["attempt"] as? Int == 1)
        pipe.send("add 4 limes")  // queued while the server is down
        try await pipe.waitFor("queued") { $0.event == "queued" }
        let second = try await ServeProcess.start(ports, fixedPorts: true)
        try await pipe.waitFor("cart with limes") { event in
            event.event == "cart" && ((event["items"] as? [[String: Any]])?.first?["productId"] as? String) == "lime"
        }
        pipe.endInput()
        #expect(try await pipe.exitStatus(within: .seconds(20)) == 0)
        let cart = try await Self.cart(of: "wes", port: second.groceryPort)
        #expect(cart.items.map(\.quantity) == [4])
        second.signal(SIGTERM)
        _ = try await second.exitStatus(within: .seconds(15))
    }

    @Test("client kill -9 with queued messages; restarted, each is delivered exactly once")
    func clientCrash() async throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let queueFile = folder.appendingPathComponent("q.json").path
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let offline = try PipeProcess(Self.urls(walmartPort, groceryPort) + ["--user-id", "xia", "--queue-file", queueFile])
        for text in ["add 2 avocados", "add a dozen eggs", "add 3 lemons"] { offline.send(text) }
        try await offline.waitFor("third queued") { $0.event == "queued" && $0["depth"] as? Int == 3 }
        offline.kill(SIGKILL)
        _ = try await offline.exitStatus(within: .seconds(15))

        let server = try await ServeProcess.start(["--walmart-port", "\(walmartPort)", "--grocery-port", "\(groceryPort)", "--db", ":memory:"], fixedPorts: true)
        let restarted = try PipeProcess(Self.urls(walmartPort, groceryPort) + ["--user-id", "xia", "--queue-file", queueFile])
        restarted.endInput()
        #expect(try await restarted.exitStatus(within: .seconds(20)) == 0)
        let cart = try await Self.cart(of: "xia", port: groceryPort)
        #expect(Dictionary(uniqueKeysWithValues: cart.items.map { ($0.productId, $0.quantity) }) == ["avocado-hass": 2, "eggs-large-12ct": 1, "lemon": 3])
        // A third run has nothing left to send.
        let again = try PipeProcess(Self.urls(walmartPort, groceryPort) + ["--user-id", "xia", "--queue-file", queueFile])
        again.endInput()
        #expect(try await again.exitStatus(within: .seconds(20)) == 0)
        #expect(!again.events.contains { $0.event == "delivered" })
        #expect(try await Self.cart(of: "xia", port: groceryPort).items.count == 3)
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    @Test("a server under SIGSTOP is found dead by the heartbeat and recovered after SIGCONT")
    func stoppedServer() async throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServeProcess.start(["--db", ":memory:"])
        let pipe = try PipeProcess(
            Self.urls(server.walmartPort, server.groceryPort) + [
                // Deadlines a loaded machine cannot miss while the server runs; only the stop can.
                "--user-id", "yan", "--heartbeat-ms", "1000", "--heartbeat-timeout-ms", "2000", "--connect-timeout-ms", "5000",
                "--initial-delay-ms", "100", "--max-attempts", "1000", "--queue-file", folder.appendingPathComponent("q.json").path,
            ])
        try await pipe.waitFor("connected") { $0["state"] as? String == "connected" && $0["channel"] as? String == "walmart" }
        let stopped = pipe.events.count
        server.signal(SIGSTOP)
        let dead = try await pipe.waitFor("heartbeat failure", after: stopped) { ($0["reason"] as? String)?.contains("heartbeat") == true }
        #expect(dead["state"] as? String == "waiting")
        server.signal(SIGCONT)
        let count = pipe.events.filter { $0["state"] as? String == "connected" }.count
        try await pipe.waitFor("reconnected") { _ in pipe.events.filter { $0["state"] as? String == "connected" }.count > count }
        pipe.endInput()
        #expect(try await pipe.exitStatus(within: .seconds(20)) == 0)
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    @Test("exit codes: 3 when every channel gave up, 1 when undelivered at the drain timeout, 2 for usage")
    func exitCodes() async throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try await freePort()
        let gaveUp = try PipeProcess(Self.urls(port, port) + ["--max-attempts", "0", "--queue-file", folder.appendingPathComponent("a.json").path])
        #expect(try await gaveUp.exitStatus(within: .seconds(20)) == 3)
        #expect(gaveUp.events.contains { $0["state"] as? String == "failed" && ($0["reason"] as? String)?.contains("gave up") == true })

        let undelivered = try PipeProcess(Self.urls(port, port) + ["--drain-timeout-ms", "300", "--queue-file", folder.appendingPathComponent("b.json").path])
        undelivered.send("add milk")
        undelivered.endInput()
        #expect(try await undelivered.exitStatus(within: .seconds(20)) == 1)
        #expect(undelivered.events.contains { $0.event == "error" && $0["code"] as? String == "undelivered" })

        #expect(try await GroceryProcess.run(["pipe", "--multiplier", "0.5"]).status == 2)
        #expect(try await GroceryProcess.run(["pipe", "--walmart-url", "http://x"]).status == 2)
    }
}

/// Issue 31: a change the engine is not sure of waits for the shopper; in a pipe there is
/// no one to ask, so it is reported and left, unless --apply-unsure.
@Suite("grocery pipe: unsure results (real processes)", .timed)
struct PipeUnsureTests {
    static let unsure = "forget the chips, get them out of there"

    @Test("an unsure removal is reported as 'unsure' and changes nothing; with --apply-unsure it is applied, once")
    func unsureRemoval() async throws {
        let understood = NLPParser().parse(Self.unsure)
        try #require(understood.intent == .remove && understood.error == nil && !understood.isSure, "the shipped model reads this line otherwise: pick another")
        let (server, pipe) = try await PipeCommandTests.pipeAgainstNewServer(user: "uma")
        defer { server.signal(SIGKILL) }
        pipe.send("add 2 lays classic potato chips")
        pipe.send(Self.unsure)
        pipe.endInput()
        #expect(try await pipe.exitStatus(within: .seconds(30)) == 0, "\(pipe.standardError.suffix(400))")
        let reported = try #require(pipe.events.first { $0.event == "unsure" })
        #expect(reported["applied"] as? Bool == false)
        #expect((reported["result"] as? [String: Any])?["intent"] as? String == "remove")
        #expect(pipe.events.filter { $0.event == "queued" }.compactMap { $0["id"] as? String }.filter { $0.contains(":") }.count == 1)
        var cart = try await PipeCommandTests.cart(of: "uma", port: server.groceryPort)
        #expect(cart.items.map(\.productId) == ["chips-lays-classic"] && cart.items.first?.quantity == 2, "\(cart.items)")

        let queueFile = scratchFolder("pipe").appendingPathComponent("q.json").path
        let applying = try PipeProcess(
            PipeCommandTests.urls(server.walmartPort, server.groceryPort) + ["--user-id", "uma", "--queue-file", queueFile, "--apply-unsure"])
        applying.send(Self.unsure)
        applying.endInput()
        #expect(try await applying.exitStatus(within: .seconds(30)) == 0, "\(applying.standardError.suffix(400))")
        #expect(applying.events.first { $0.event == "unsure" }?["applied"] as? Bool == true)
        cart = try await PipeCommandTests.cart(of: "uma", port: server.groceryPort)
        #expect(cart.items.isEmpty && cart.version == 2, "\(cart)")
    }
}
