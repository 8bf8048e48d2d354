import Foundation
import GroceryClient
import GroceryNLP
import GroceryProtocol
import GroceryTestSupport
import Testing

/// Seeded kill -9 points (docs/CLIENT.md): `grocery pipe` is killed while it queues,
/// sends, and takes in results and acks; in every third round the server is killed too
/// and restarted on the same database. A second pipe on the same queue file then
/// drains what is left. Every query the first pipe reported `queued` must be in the
/// cart exactly once, and nothing twice.
@Suite("Kill points (real processes, seeded)", .heavy)
struct KillPointTests {
    /// Products that "add 1 NAME" finds unambiguously, so each line is its own cart line;
    /// not those sold by weight only, whose "1" the server refuses (no piece weight).
    static let products: [(id: String, name: String)] = {
        let parser = NLPParser()
        return parser.catalog.products.compactMap { product -> (String, String)? in
            guard product.soldBy == .each || product.pieceWeightMilli != nil else { return nil }
            let result = parser.parse("add 1 \(product.name)")
            // Sure, too: a result below the confidence threshold is held, not applied, and
            // this test is about the queue, not the parser.
            guard result.intent == .add, result.error == nil, result.isSure, result.items.count == 1, result.items[0].product?.id == product.id,
                result.items[0].quantity == 1
            else { return nil }
            return (product.id, product.name)
        }
    }()

    @Test("54 seeded kill points of the pipe (18 with the server killed too): the cart is exactly what was accepted, every time")
    func killPoints() async throws {
        let lines = 24
        try #require(Self.products.count >= lines, "only \(Self.products.count) products resolve unambiguously")
        let folder = PipeCommandTests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (walmartPort, groceryPort) = (try await freePort(), try await freePort())
        let ports = ["--walmart-port", "\(walmartPort)", "--grocery-port", "\(groceryPort)", "--db", folder.appendingPathComponent("server.sqlite").path]
        var server = try await Self.survivingCrashes("the server") { try await ServeProcess.start(ports, fixedPorts: true) }
        let fast = ["--initial-delay-ms", "50", "--max-delay-ms", "200", "--max-attempts", "1000", "--stable-after-ms", "100", "--no-jitter"]
        var random = SplitMix64(seed: 12)
        for round in 0..<54 {
            let user = "kp\(round)"
            let queueFile = folder.appendingPathComponent("\(user).json").path
            let arguments = PipeCommandTests.urls(walmartPort, groceryPort) + fast + ["--user-id", user, "--queue-file", queueFile]
            let chosen = Array(Self.products.shuffled(using: &random).prefix(lines))
            let killAfter = Duration.milliseconds(Int64.random(in: 0...600, using: &random))
            let killServer = round % 3 == 2
            let serverAfter = Duration.milliseconds(Int64.random(in: 0...400, using: &random))

            let first = try await Self.survivingCrashes("the first pipe") {
                let pipe = try PipeProcess(arguments)
                try await pipe.waitFor("walmart connected") { $0["channel"] as? String == "walmart" && $0["state"] as? String == "connected" }
                return pipe
            }
            for product in chosen { first.send("add 1 \(product.name)") }
            if killServer {
                try await Task.sleep(for: serverAfter)  // a kill point, not a wait for a condition
                server.signal(SIGKILL)
                _ = try await server.exitStatus(within: .seconds(15))
                server = try await Self.survivingCrashes("the server") { try await ServeProcess.start(ports, fixedPorts: true) }
            }
            try await Task.sleep(for: killAfter)
            first.kill(SIGKILL)
            #expect(try await first.exitStatus(within: .seconds(15)) != nil)
            let accepted = Self.acceptedLines(first.events)
            #expect(accepted <= lines)

            // The drain. A drain that dies of a signal is one more kill point, not a pass:
            // it is run again on the same file, and the cart must still come out exact.
            // (Seen in about one of 650 launches: SIGSEGV inside the Swift runtime's metadata
            // cache, two threads instantiating generic metadata at start; see docs/CLIENT.md.
            // The first pipe and the server get the same treatment at their start.)
            var drained: Int32?
            for _ in 0..<3 {
                let second = try PipeProcess(arguments + ["--drain-timeout-ms", "30000"])
                second.endInput()
                drained = try await second.exitStatus(within: .seconds(40))
                if drained == 0 { break }
                #expect(drained.map { $0 > 128 } == true, "round \(round): the drain exited \(String(describing: drained)): \(second.events.suffix(3)) \(second.standardError.prefix(300))")
                print("kill points: round \(round): the drain died with \(String(describing: drained)); drained again\n\(DiedOfSignal(signal: drained.map { $0 - 128 } ?? 0, report: second.standardError).head)")
            }
            #expect(drained == 0, "round \(round): not drained")

            let cart = try await PipeCommandTests.cart(of: user, port: groceryPort)
            let quantities = Dictionary(cart.items.map { ($0.productId, $0.quantity) }, uniquingKeysWith: +)
            // Accepted lines are the first `accepted` ones (the pipe queues in order).
            for product in chosen.prefix(accepted) {
                #expect(quantities[product.id] == 1, "round \(round) (kill after \(killAfter), server killed: \(killServer)): \(product.id) accepted, cart has \(quantities[product.id] ?? 0)")
            }
            // Nothing twice, nothing that was never sent; lines queued but not yet reported may be in it once.
            let sent = Set(chosen.map(\.id))
            for (id, quantity) in quantities {
                #expect(sent.contains(id) && quantity == 1, "round \(round): \(id) × \(quantity)")
            }
            let unreported = chosen.dropFirst(accepted).map(\.id)
            let applied = unreported.map { quantities[$0] != nil }
            // Queued lines are applied in order: an unreported line in the cart means every one before it is too.
            #expect(applied == applied.sorted { $0 && !$1 }, "round \(round): unreported lines applied out of order \(applied)")
        }
        server.signal(SIGTERM)
        _ = try await server.exitStatus(within: .seconds(15))
    }

    /// Starts a process again when it dies of a signal at start, before it did anything (the
    /// runtime race in docs/CLIENT.md): one more kill point, printed with the head of its
    /// crash report. A third death fails the test.
    static func survivingCrashes<T>(_ what: String, _ start: () async throws -> T) async throws -> T {
        for _ in 0..<2 {
            do {
                return try await start()
            } catch let crash as DiedOfSignal {
                print("kill points: \(what) died of signal \(crash.signal) at start; started again\n\(crash.head)")
            }
        }
        return try await start()
    }

    /// How many queries the pipe reported queued (cart messages carry the query's id and a suffix).
    static func acceptedLines(_ events: [[String: Any]]) -> Int {
        events.filter { $0.event == "queued" && ($0["id"] as? String)?.contains(":") == false }.count
    }
}
