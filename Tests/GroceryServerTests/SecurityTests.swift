import Foundation
import GroceryProtocol
import HTTPTypes
import GroceryTestSupport
import NIOCore
import NIOPosix
import NIOWebSocket
import Testing

@Suite("Security and limits", .timed)
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
            // The slot is free once the server has seen the socket close; ask until it has.
            let again = try await RawHTTP.status(becomes: 101) { try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart") }
            #expect(again == 101)
            try await second.close()
        }
    }

    @Test("a flooding connection gets rate_limited, then 1008; another client is served meanwhile")
    func messageFlood() async throws {
        // A refill of one message per 1,000 s and a hello deadline far away: however slowly
        // this machine sends the 40 pings, exactly the burst is served and only the flood closes it.
        try await withServer({
            $0.limits.messagesPerSecond = 0.001; $0.limits.messageBurst = 5; $0.limits.strikesBeforeClose = 20
            $0.deadlines.hello = .seconds(300)
        }) { server in
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

/// Deadlines for every stage a client controls (docs/SERVER.md): a slowloris head, a
/// WebSocket that never says hello, one that goes quiet. The deadlines are seconds, not
/// milliseconds: in a full parallel run a test's own steps can take that long, and a
/// deadline must not fire before the test has set the scene.
@Suite("Deadlines (real sockets)", .timed)
struct DeadlineTests {
    /// Reads until the server closes the connection; true when it did within `limit`.
    static func closedByServer(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, within limit: Duration) async throws -> Bool {
        try await withDeadline(limit, {
            try? await channel.executeThenClose { inbound, _ in
                do { for try await _ in inbound {} } catch {}  // a reset is a close too
            }
            return true
        }, onTimeout: { try? await channel.channel.close() }) ?? false
    }

    static func rawConnection(port: Int) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
    }

    /// Sends `head`, then header lines a byte every 100 ms, forever: a head that never ends.
    static func drip(_ head: String, to channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) -> Task<Void, Never> {
        Task {
            try? await channel.channel.writeAndFlush(ByteBuffer(string: head))
            while !Task.isCancelled {
                for byte in "X-Slow: y\r\n".utf8 {
                    guard (try? await channel.channel.writeAndFlush(ByteBuffer(bytes: [byte]))) != nil else { return }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    @Test("a request head or body dripped forever (slowloris), an idle TCP socket and an idle kept-alive HTTP connection are closed at the deadline; others are served meanwhile")
    func slowloris() async throws {
        // 15 s: the scene (five sockets, two answered requests) must be set before the first
        // socket's deadline, and a loaded full run once took more than 2 s.
        try await withServer({ $0.deadlines.requestHead = .seconds(15) }) { server in
            // Every raw channel opened is closed through its async API on any way out: one
            // dropped unfinished is a fatal error in NIO (seen once in CI when a step threw
            // under load).
            let opened = OpenedChannels()
            do {
                try await Self.slowlorisScene(server, opened)
            } catch {
                await opened.closeAll()
                throw error
            }
        }
    }

    /// Who was opened, for ``slowloris()``'s cleanup.
    actor OpenedChannels {
        private var channels: [NIOAsyncChannel<ByteBuffer, ByteBuffer>] = []
        private var closed = false
        func add(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
            channels.append(channel)
            return channel
        }
        /// Marks the channels as handed to `closedByServer`, which closes them itself.
        func handedOver() { closed = true }
        func closeAll() async {
            guard !closed else { return }
            closed = true
            for channel in channels { try? await channel.executeThenClose { _, _ in } }
        }
    }

    private static func slowlorisScene(_ server: TestServer, _ opened: OpenedChannels) async throws {
        let idle = await opened.add(try await Self.rawConnection(port: server.ports.walmart))
        let slow = await opened.add(try await Self.rawConnection(port: server.ports.grocery))
        let drip = Self.drip("GET /health HTTP/1.1\r\nHost: x\r\n", to: slow)
        defer { drip.cancel() }
        // Answered once, then kept alive and silent; then a second head dripped on it.
        let kept = await opened.add(try await Self.rawConnection(port: server.ports.walmart))
        try await kept.channel.writeAndFlush(ByteBuffer(string: "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
        let keptSlow = await opened.add(try await Self.rawConnection(port: server.ports.walmart))
        try await keptSlow.channel.writeAndFlush(ByteBuffer(string: "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
        let dripAgain = Self.drip("GET /health HTTP/1.1\r\n", to: keptSlow)
        defer { dripAgain.cancel() }
        #expect(try await RawHTTP.get(port: server.ports.walmart, path: "/health").status == 200)
        // A whole head, then a body dripped forever: the request never ends.
        let slowBody = await opened.add(try await Self.rawConnection(port: server.ports.walmart))
        let bodyDrip = Self.drip("POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n", to: slowBody)
        defer { bodyDrip.cancel() }
        // Only a deadline can close these: none of them ever completes a (next) request.
        await opened.handedOver()
        for connection in [idle, slow, kept, keptSlow, slowBody] {
            #expect(try await Self.closedByServer(connection, within: .seconds(60)))
        }
        // A request in time is answered.
        #expect(try await RawHTTP.get(port: server.ports.walmart, path: "/health").status == 200)
    }

    @Test("an address holds at most its connection cap of unanswered TCP sockets: one more is closed at once, other addresses are served, and when they go it is served again")
    func unansweredCap() async throws {
        // The head deadline is far away: only the cap can close a socket here.
        try await withServer({ $0.limits.connectionsPerIP = 3; $0.deadlines.requestHead = .seconds(120) }) { server in
            var sockets: [NIOAsyncChannel<ByteBuffer, ByteBuffer>] = []
            for _ in 0..<4 { sockets.append(try await Self.rawConnection(port: server.ports.walmart)) }
            // Another address is served all along.
            #expect(try await RawHTTP.get(port: server.ports.walmart, path: "/health", from: "127.0.0.2").status == 200)
            // Which one the server refuses depends on the order its event loops ran in; one is.
            let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for socket in sockets { group.addTask { try await Self.closedByServer(socket, within: .seconds(10)) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(closed == 1)
            let status = try await RawHTTP.status(becomes: 200) { try await RawHTTP.get(port: server.ports.walmart, path: "/health") }
            #expect(status == 200)
        }
    }

    @Test("WebSockets that never say hello are closed with 1008 at the hello deadline, so they cannot lock out their address")
    func helloDeadline() async throws {
        // 20 s: the cap must still be full when the test checks it, even in a loaded run.
        try await withServer({ $0.deadlines.hello = .seconds(20); $0.limits.connectionsPerIP = 2 }) { server in
            let silent = [try await TestSocket.connect(server.walmartURL), try await TestSocket.connect(server.groceryURL)]
            #expect(try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart").status == 429)  // the cap is full
            for socket in silent {
                let close = try await socket.closed(timeout: .seconds(60))
                #expect(close?.closeCode == .policyViolation)
                #expect(close?.reason?.contains("no hello") == true)
            }
            let status = try await RawHTTP.status(becomes: 101) { try await RawHTTP.upgrade(port: server.ports.walmart, path: "/ws/walmart") }
            #expect(status == 101)
        }
    }

    /// The next frame that is not a ping; pings are answered when `answering`.
    static func nextNotPing(_ socket: RawFrames, answering: Bool) async throws -> RawFrames.Frame? {
        while let frame = try await socket.next() {
            guard frame.opcode == 0x9 else { return frame }
            if answering { try await socket.send(opcode: 0xA, frame.payload) }
        }
        return nil
    }

    @Test("a quiet WebSocket is pinged halfway through the idle deadline: one that answers stays, one that does not is closed with 1001")
    func idleDeadline() async throws {
        // 12 s: the live socket has 6 s to answer the server's ping, even in a loaded run.
        try await withServer({ $0.deadlines.idle = .seconds(12) }) { server in
            let dead = try await RawFrames.connect(port: server.ports.walmart, path: "/ws/walmart")
            let alive = try await RawFrames.connect(port: server.ports.walmart, path: "/ws/walmart")
            for (socket, user) in [(dead, "dee"), (alive, "al")] {
                try await socket.send(text: ClientMessage.hello(.init(sessionId: nil, userId: user)).encoded())
                let welcome = try await Self.nextNotPing(socket, answering: socket === alive)
                #expect(welcome?.text.contains("welcome") == true, "\(welcome?.opcode ?? 0) \(welcome?.text ?? "nil")")
            }
            // The live one answers every ping, all along.
            let answering = Task { try await Self.nextNotPing(alive, answering: true) }
            // The dead one is asked and never answers: closed at the deadline.
            let close = try await Self.nextNotPing(dead, answering: false)
            #expect(close?.closeCode == 1001)
            #expect(close?.text.contains("idle") == true)
            // By now the live one is past the same deadline, and still served.
            try await alive.send(text: ClientMessage.ping(ts: 7).encoded())
            let pong = try await answering.value
            #expect(pong?.text.contains(#""type":"pong""#) == true, "\(pong?.opcode ?? 0) \(pong?.text ?? "nil")")
            await dead.close()
            await alive.close()
        }
    }
}
