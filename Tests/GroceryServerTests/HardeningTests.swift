import Foundation
import GroceryProtocol
import GroceryServer
import GroceryTestSupport
import Testing

/// What a hostile or unlucky deployment meets (docs/SERVER.md): a store that cannot
/// write, a spray of fresh sessions, and the conformance echo that lets Autobahn judge
/// the frame handling every channel shares.
@Suite("Server hardening (real sockets)", .timed)
struct HardeningTests {
    /// The `resumed` of the welcome to a hello with `sessionId`.
    static func resumed(_ server: TestServer, sessionId: String, user: String) async throws -> Bool {
        let socket = try await TestSocket.connect(server.walmartURL)
        socket.send(.hello(.init(sessionId: sessionId, userId: user)))
        guard case .welcome(let id, let resumed, _, _) = try await socket.nextMessage(), id == sessionId else {
            throw TestFailure("expected a welcome of \(sessionId)")
        }
        // A ping answered after the welcome: the session's write (behind the welcome) is done.
        socket.send(.ping(ts: 1))
        guard case .pong = try await socket.nextMessage() else { throw TestFailure("expected pong") }
        _ = try await socket.close()
        return resumed
    }

    @Test("new sessions past the per-user and per-address quota are welcomed but not kept; kept ones resume")
    func sessionQuota() async throws {
        try await withServer({ $0.limits.newSessionsPerUserPerHour = 3; $0.limits.newSessionsPerAddressPerHour = 5 }) { server in
            // Five fresh sessions of one user, then the same five again: the quota's 3 were kept.
            let sprayed = (0..<5).map { ("spray-\($0)", "sprayer") }
            for (round, expectKept) in [(0, 0), (1, 3)] {
                for (n, (id, user)) in sprayed.enumerated() {
                    let resumed = try await Self.resumed(server, sessionId: id, user: user)
                    #expect(resumed == (n < expectKept), "round \(round), session \(n)")
                }
            }
            // The address has 2 new sessions left this hour (3 used): other users get them, then no more.
            let others = (0..<4).map { ("other-\($0)", "other\($0)") }
            for (round, expectKept) in [(0, 0), (1, 2)] {
                for (n, (id, user)) in others.enumerated() {
                    let resumed = try await Self.resumed(server, sessionId: id, user: user)
                    #expect(resumed == (n < expectKept), "round \(round), other \(n)")
                }
            }
        }
    }

    @Test("/health says degraded (503) with the reason while the database cannot write; a change refused meanwhile applies once afterwards")
    func healthDegraded() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("grocery-health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("grocery.sqlite").path
        try await withServer({ $0.databasePath = database }) { server in
            #expect(try await RawHTTP.get(port: server.ports.walmart, path: "/health").status == 200)
            let (socket, _) = try await groceryClient(server, user: "dana")
            // A real fault: the rollback journal's path is taken, so no transaction can start.
            let journal = database + "-journal"
            try FileManager.default.createDirectory(atPath: journal, withIntermediateDirectories: false)
            let add = CartCommand(id: "d1", action: .add, productId: "banana", quantity: 2)
            socket.send(.cart(add))
            guard case .error(let id, let code, _) = try await socket.nextMessage() else { throw TestFailure("expected an error") }
            #expect(id == "d1")
            #expect(code == .internalError)  // retryable: the client keeps it queued
            let degraded = try await RawHTTP.get(port: server.ports.walmart, path: "/health")
            #expect(degraded.status == 503)
            #expect(degraded.body.contains(#""status":"degraded""#), "\(degraded.body)")
            #expect(degraded.body.contains("the database cannot write"), "\(degraded.body)")
            // Still degraded later, with no write of a client's to tell it (the health probe writes).
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await RawHTTP.get(port: server.ports.walmart, path: "/health").status == 503)

            try FileManager.default.removeItem(atPath: journal)
            let status = try await RawHTTP.status(becomes: 200) { try await RawHTTP.get(port: server.ports.walmart, path: "/health") }
            #expect(status == 200)
            // The client resends what was refused: applied once, and a repeat changes nothing.
            var (reply, cart) = try await command(socket, add)
            #expect(reply == .ack(id: "d1"))
            #expect(cart.items.map(\.quantity) == [2])
            (reply, cart) = try await command(socket, add)
            #expect(reply == .ack(id: "d1"))
            #expect(cart.items.map(\.quantity) == [2])
            _ = try await socket.close()
        }
    }

    @Test("the conformance echo is off unless configured; on, it echoes text and binary (past the channels' 64 KiB), and the channels keep their limit")
    func conformanceEcho() async throws {
        try await withServer { server in
            let status = try await RawHTTP.upgrade(port: server.ports.walmart, path: "/echo").status
            #expect(status == 404)
        }
        try await withServer({ $0.conformanceEchoPath = "/echo" }) { server in
            let echo = try await RawFrames.connect(port: server.ports.walmart, path: "/echo")
            try await echo.send(text: "héllo")
            let text = try await echo.next()
            #expect(text?.opcode == 0x1 && text?.text == "héllo")
            let big = (0..<100_000).map { UInt8($0 % 251) }
            try await echo.send(opcode: 0x2, big)
            let binary = try await echo.next()
            #expect(binary?.opcode == 0x2 && binary?.payload == big)
            await echo.close()

            let walmart = try await RawFrames.connect(port: server.ports.walmart, path: "/ws/walmart")
            try await walmart.send(opcode: 0x1, Array(repeating: UInt8(ascii: "a"), count: 100_000))
            let close = try await walmart.next()
            #expect(close?.closeCode == 1009)
            await walmart.close()
        }
    }
}
