import Foundation
import GroceryProtocol
import HTTPTypes
import GroceryTestSupport
import NIOWebSocket
import Testing

@Suite("Security and limits")
struct SecurityTests {
    @Suite("Origin check")
    struct Origins {
        @Test("a browser Origin not on the list gets 403 before the upgrade")
        func foreign() async throws {
            try await withServer { server in
                let response = try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart", headers: ["Origin": "https://evil.example"])
                #expect(response.status == 403)
                let null = try await RawHTTP.upgrade(port: server.ports.grocery, path: "/ws/grocery", headers: ["Origin": "null"])
                #expect(null.status == 403)
            }
        }

        @Test("no Origin, a listed Origin, and a native ws:// Origin are let through")
        func allowed() async throws {
            try await withServer { server in
                #expect(try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart").status == 101)
                let listed = try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart", headers: ["Origin": "http://localhost:5173"])
                #expect(listed.status == 101)
                let socket = try await TestSocket.connect(server.groceryURL)  // swift-websocket sends Origin: ws://…
                try await socket.close()
            }
        }

        @Test("--allowed-origin replaces the default list")
        func replaced() async throws {
            try await withServer({ $0.allowedOrigins = ["https://shop.example"] }) { server in
                let old = try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart", headers: ["Origin": "http://localhost:5173"])
                #expect(old.status == 403)
                let new = try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart", headers: ["Origin": "https://shop.example"])
                #expect(new.status == 101)
            }
        }
    }

    @Test("an unknown WebSocket path is 404; each port serves only its channels")
    func paths() async throws {
        try await withServer { server in
            var statuses: [Int] = []
            for (port, path) in [(server.ports.walmart, "/ws/nope"), (server.ports.walmart, "/ws/grocery"), (server.ports.grocery, "/"), (server.ports.walmart, "/trpc-ws")] {
                statuses.append(try await RawHTTP.upgrade(port: port, path: path).status)
            }
            #expect(statuses == [404, 404, 101, 101])
        }
    }

    @Test(
        "a malformed handshake gets 400 with Sec-WebSocket-Version: 13, not silence",
        arguments: [
            "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\nSec-WebSocket-Version: 8\r\n",
            "Sec-WebSocket-Version: 13\r\n",
            "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n",
            "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n",
        ])
    func malformedHandshake(headers: String) async throws {
        try await withServer { server in
            let request = "GET /ws/walmart HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + headers + "\r\n"
            let response = try await RawHTTP.send(port: server.ports.walmart, request)
            #expect(response.status == 400)
            #expect(response.headers["sec-websocket-version"] == "13")
            let good = "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\nSec-WebSocket-Version: 13\r\n"
            #expect(try await RawHTTP.send(port: server.ports.walmart, request.replacingOccurrences(of: headers, with: good)).status == 101)
        }
    }

    @Test("upgrades over the per-IP rate get 429 with Retry-After")
    func upgradeRate() async throws {
        // Refill so slow (one upgrade per 1,000 s) that a loaded machine cannot earn a token back mid-test.
        try await withServer({ $0.limits.upgradesPerSecond = 0.001; $0.limits.upgradeBurst = 3 }) { server in
            var statuses: [Int] = []
            var retryAfter: String?
            for _ in 0..<5 {
                let response = try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart")
                statuses.append(response.status)
                if response.status == 429 { retryAfter = response.headers["retry-after"] }
            }
            #expect(statuses == [101, 101, 101, 429, 429])
            #expect(Int(retryAfter ?? "") ?? 0 >= 1)
        }
    }

    @Test("open connections per IP are capped with 429")
    func connectionCap() async throws {
        try await withServer({ $0.limits.connectionsPerIP = 2 }) { server in
            let first = try await TestSocket.connect(server.walmartURL)
            let second = try await TestSocket.connect(server.groceryURL)
            let third = try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart")
            #expect(third.status == 429)
            try await first.close()
            try await Task.sleep(for: .milliseconds(100))  // the server notices the close
            let again = try await TestSocket.connect(server.walmartURL)
            for socket in [second, again] { try await socket.close() }
        }
    }

    @Test("a flooding connection gets rate_limited, then 1008; another client is served meanwhile")
    func messageFlood() async throws {
        try await withServer({ $0.limits.messagesPerSecond = 1; $0.limits.messageBurst = 5; $0.limits.strikesBeforeClose = 20 }) { server in
            let flooder = try await TestSocket.connect(server.walmartURL)
            let bystander = try await TestSocket.connect(server.walmartURL)
            for n in 0..<40 { flooder.send(.ping(ts: Double(n))) }
            var pongs = 0
            var limited = 0
            while let message = try await flooder.nextMessage() {
                switch message {
                case .pong: pongs += 1
                case .error(_, .rateLimited, _): limited += 1
                default: throw TestFailure("unexpected \(message)")
                }
            }
            #expect(pongs == 5)
            #expect(limited == 20)  // the closing strike is told too, so the client knows 1008 means "slow down"
            #expect(try await flooder.closed()?.closeCode == .policyViolation)
            bystander.send(.ping(ts: 99))
            #expect(try await bystander.nextMessage() == .pong(ts: 99))
            try await bystander.close()
        }
    }

    @Test("a frame over 64 KiB closes with 1009; invalid UTF-8 closes with 1007")
    func frames() async throws {
        try await withServer { server in
            let big = try await TestSocket.connect(server.walmartURL)
            big.send(String(repeating: "x", count: 64 * 1024 + 1))
            #expect(try await big.closed()?.closeCode == .messageTooLarge)

            let fits = try await TestSocket.connect(server.walmartURL)
            fits.send(#"{"type":"ping","ts":1,"pad":""# + String(repeating: "x", count: 60 * 1024) + #""}"#)
            #expect(try await fits.nextMessage() == .pong(ts: 1))
            try await fits.close()

            let code = try await RawWebSocket.closeCodeAfterText(
                port: server.ports.walmart, path: "/ws/walmart", bytes: Array(#"{"type":"ping","x":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8))
            #expect(code == 1007)
        }
    }
}
