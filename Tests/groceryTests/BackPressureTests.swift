import Foundation
import GroceryNLP
import GroceryProtocol
import GroceryTestSupport
import Testing

/// A client that sends and never reads (docs/SERVER.md, back-pressure): the server stops
/// reading it once its replies wait unread, its memory stays bounded, and after the
/// write-stall deadline the connection is closed — while other clients are served.
/// The server is a real `grocery serve` process, so its memory is its own.
@Suite("Back-pressure (real process)", .heavy)
struct BackPressureTests {
    /// The resident memory of a process, in KiB.
    static func residentKiB(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw TestFailure("no VmRSS in /proc/\(pid)/status") }
        return kib
    }

    /// A query whose result is about 5 KB, so a server that queues replies fills its
    /// buffers with few of them, however slowly a loaded machine runs it.
    static let longQuery = "add milk, eggs, bread, butter, cheese, apples, bananas, rice, beans and pasta"

    static func walmartConnections(_ server: ServeProcess) async throws -> Int? {
        let health = try await RawHTTP.get(port: server.walmartPort, path: "/health")
        let object = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
        return (object?["connections"] as? [String: Int])?["walmart"]
    }

    @Test("a client that floods queries and never reads: the server stops reading it, grows by less than 8 MiB, and closes it at the write-stall deadline")
    func nonReadingClient() async throws {
        // No message limit, so only back-pressure can stop the flood (each reply is about 5 KB).
        let server = try await ServeProcess.start(["--db", ":memory:", "--messages-per-second", "0", "--write-stall-timeout-ms", "10000"])
        defer { server.signal(SIGKILL) }
        // Warm up the parser and the allocator with a well-behaved client first.
        let polite = try await TestSocket.connect(server.walmartURL)
        polite.send(.hello(.init(sessionId: nil, userId: "polite")))
        _ = try await polite.nextMessage()
        for n in 0..<200 { polite.send(.nlpQuery(id: "p\(n)", text: "add 2 gallons of milk")) }
        for _ in 0..<400 { _ = try await polite.nextMessage() }
        let before = try Self.residentKiB(server.process.processIdentifier)

        let flooder = try await RawFrames.connect(port: server.walmartPort, path: "/ws/walmart", readingAfterUpgrade: false)
        try await flooder.send(text: ClientMessage.hello(.init(sessionId: nil, userId: "flooder")).encoded())
        // Flood for 8 s, whatever happens. The kernel's buffers take a few MB of it first;
        // after that, only a server that keeps reading (and queueing replies) takes more.
        let floodEnds = ContinuousClock.now + .seconds(8)
        var sent = 0
        var peak = before
        while ContinuousClock.now < floodEnds {
            if flooder.isWritable {
                for _ in 0..<50 {
                    flooder.queue(text: ClientMessage.nlpQuery(id: "f\(sent)", text: Self.longQuery).encoded())
                    sent += 1
                }
            }
            peak = max(peak, try Self.residentKiB(server.process.processIdentifier))
            try await Task.sleep(for: .milliseconds(2))
        }
        // Measured on a debug build: 0.3–0.6 MiB; with the back-pressure handler removed, 40 MiB.
        let growth = peak - before
        #expect(growth < 8 * 1024, "server grew by \(growth) KiB while \(sent) messages were sent")

        // Others are served meanwhile, and the stalled client is closed at its deadline.
        polite.send(.ping(ts: 5))
        guard case .pong = try await polite.nextMessage() else { throw TestFailure("the polite client was not served") }
        let closedBy = ContinuousClock.now + .seconds(90)  // a watchdog; 10 s once the server is stalled
        var open = try await Self.walmartConnections(server)
        while open != 1, ContinuousClock.now < closedBy {
            try await Task.sleep(for: .milliseconds(100))
            open = try await Self.walmartConnections(server)
        }
        #expect(open == 1, "the non-reading client is still connected")
        #expect(server.standardError.contains("1008"), "\(server.standardError.suffix(600))")
        await flooder.close()
        _ = try await polite.close()
    }

    @Test("cart changes pushed to a user's connections that never read (grocery, and tRPC with 16 subscriptions): only the newest snapshot waits, memory stays under 16 MiB")
    func fanOutToNonReaders() async throws {
        let server = try await ServeProcess.start(["--db", ":memory:", "--messages-per-second", "0", "--write-stall-timeout-ms", "60000"])
        defer { server.signal(SIGKILL) }
        let shopper = try await TestSocket.connect(server.groceryURL)
        shopper.send(.hello(.init(sessionId: nil, userId: "fan")))
        _ = try await shopper.nextMessage()  // welcome
        _ = try await shopper.nextMessage()  // cart
        // A big cart: every change is a ~30 KB snapshot to every connection of the user.
        let products = Catalog.bundled.products.prefix(200).map(\.id)
        var sent = 0
        func change(_ productId: String) {
            shopper.send(.cart(CartCommand(id: "c\(sent)", action: .add, productId: productId, quantity: 1)))
            sent += 1
        }
        var acks = 0
        func awaitAcks() async throws {
            while acks < sent, let message = try await shopper.nextMessage(timeout: .seconds(30)) {
                if case .ack = message { acks += 1 }
            }
        }
        for id in products { change(id) }
        try await awaitAcks()
        let silentGrocery = try await RawFrames.connect(port: server.groceryPort, path: "/ws/grocery", readingAfterUpgrade: false)
        try await silentGrocery.send(text: ClientMessage.hello(.init(sessionId: nil, userId: "fan")).encoded())
        let silentTRPC = try await RawFrames.connect(port: server.walmartPort, path: "/trpc-ws?userId=fan", readingAfterUpgrade: false)
        for id in 1...16 {
            try await silentTRPC.send(text: #"{"id":\#(id),"method":"subscription","params":{"path":"cart.onChange"}}"#)
        }
        let before = try Self.residentKiB(server.process.processIdentifier)
        var peak = before
        for round in 0..<300 {
            change(products[round % products.count])
            if round % 20 == 19 {
                try await awaitAcks()
                peak = max(peak, try Self.residentKiB(server.process.processIdentifier))
            }
        }
        #expect(acks == sent)
        // Coalesced, the silent ones stay far below the unread-output cap, so they are still
        // connected (without coalescing the cap closes them, which bounds memory too).
        let health = try await RawHTTP.get(port: server.walmartPort, path: "/health")
        let open = (try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any])?["connections"] as? [String: Int]
        #expect(open?["grocery"] == 2 && open?["trpc"] == 1, "\(health.body)")
        // Without coalescing: 300 changes × 17 frames × ~30 KB ≈ 150 MB waiting.
        let growth = peak - before
        #expect(growth < 16 * 1024, "server grew by \(growth) KiB")
        await silentGrocery.close()
        await silentTRPC.close()
        _ = try await shopper.close()
    }
}
