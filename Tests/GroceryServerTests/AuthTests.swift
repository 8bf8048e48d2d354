import Foundation
import GroceryProtocol
import GroceryTestSupport
import HTTPTypes
import NIOWebSocket
import Testing

@testable import GroceryServer

/// A 32-byte secret and a signer for it.
let testSecret = Data("test-secret-of-exactly-32-bytes!".utf8)
let testSigner = try! TokenSigner(secret: testSecret)

func token(_ user: String, valid seconds: TimeInterval = 3600, signer: TokenSigner = testSigner) -> String {
    signer.token(for: TokenClaims(user: user, expires: Date().addingTimeInterval(seconds)))
}

@Suite("Signed tokens")
struct AuthTests {
    @Suite("TokenSigner")
    struct Signer {
        @Test("a token it made is accepted until it expires, and names its user")
        func roundTrip() throws {
            let now = Date(timeIntervalSince1970: 2_000_000_000)
            let made = testSigner.token(for: TokenClaims(user: "kim", expires: now.addingTimeInterval(60)))
            #expect(try testSigner.verify(made, now: now).get().user == "kim")
            #expect(TokenClaims(unverifiedToken: made)?.user == "kim")
            #expect(testSigner.verify(made, now: now.addingTimeInterval(60)) == .failure(.expired(now.addingTimeInterval(60))))
        }

        @Test("a changed payload, another secret or a swapped signature is refused")
        func forged() throws {
            let real = token("kim")
            let parts = real.split(separator: ".").map(String.init)
            let otherPayload = Base64URL.encode(TokenClaims(user: "lee", expires: Date().addingTimeInterval(3600)).payload)
            #expect(testSigner.verify(otherPayload + "." + parts[1]) == .failure(.badSignature))
            let other = try TokenSigner(secret: Data(repeating: 7, count: 32))
            #expect(testSigner.verify(token("kim", signer: other)) == .failure(.badSignature))
            #expect(testSigner.verify(parts[0] + "." + Base64URL.encode(Data(repeating: 0, count: 32))) == .failure(.badSignature))
        }

        @Test("text that is not a token is malformed", arguments: ["", "abc", "a.b.c", "!!.??", ".", String(repeating: "A", count: 2000) + ".AA"])
        func malformed(_ text: String) {
            #expect(testSigner.verify(text) == .failure(.malformed))
        }

        @Test("a secret shorter than 32 bytes is refused; a file's trailing newline is not part of it")
        func secrets() throws {
            #expect(throws: TokenSecretError.tooShort(bytes: 31)) { try TokenSigner(secret: Data(repeating: 1, count: 31)) }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try (String(decoding: testSecret, as: UTF8.self) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let fromFile = try TokenSigner(secretFile: path)
            #expect(try testSigner.verify(token("kim", signer: fromFile)).get().user == "kim")
            #expect(throws: TokenSecretError.unreadable(path: path + ".missing")) { try TokenSigner(secretFile: path + ".missing") }
        }
    }

    @Suite("Admission")
    struct Admission {
        @Test("without a secret the named user; with one, only a valid token's user, and never another")
        func decide() {
            #expect(UserAdmission.decide(signer: nil, token: nil, requested: "kim") == .user("kim"))
            #expect(UserAdmission.decide(signer: testSigner, token: token("kim"), requested: "kim") == .user("kim"))
            #expect(UserAdmission.decide(signer: testSigner, token: token("kim"), requested: nil) == .user("kim"))
            guard case .refused(.unauthorized, _) = UserAdmission.decide(signer: testSigner, token: nil, requested: "kim") else {
                Issue.record("a missing token must be 4401")
                return
            }
            guard case .refused(.forbidden, let reason) = UserAdmission.decide(signer: testSigner, token: token("kim"), requested: "lee") else {
                Issue.record("another user's token must be 4403")
                return
            }
            #expect(reason.contains("kim") && reason.contains("lee"))
            #expect(UserAdmission.bearerToken("Bearer abc.def") == "abc.def")
            #expect(UserAdmission.bearerToken("bearer  abc.def ") == "abc.def")
            #expect(UserAdmission.bearerToken("Basic abc") == nil)
        }
    }

    @Suite("Server with a secret", .timed)
    struct Server {
        func withSecuredServer(_ body: (TestServer) async throws -> Void) async throws {
            try await withServer({ $0.tokens = testSigner }, body)
        }

        @Test("a hello with a valid token is welcomed; missing, forged and expired tokens close with 4401")
        func hello() async throws {
            try await withSecuredServer { server in
                let good = try await TestSocket.connect(server.walmartURL)
                good.send(.hello(.init(sessionId: "s-1", userId: "kim", token: token("kim"))))
                #expect(try await good.nextMessage() == .welcome(sessionId: "s-1", resumed: false, heartbeatMs: 30_000, messageRate: MessageRate(perSecond: 100, burst: 200)))
                try await good.close()

                let forgedSigner = try TokenSigner(secret: Data(repeating: 9, count: 32))
                let refused: [(String?, String)] = [
                    (nil, "token is required"), (token("kim", signer: forgedSigner), "signature"), (token("kim", valid: -5), "expired"),
                    ("not-a-token", "malformed"),
                ]
                for (presented, reason) in refused {
                    let socket = try await TestSocket.connect(server.walmartURL)
                    socket.send(.hello(.init(sessionId: nil, userId: "kim", token: presented)))
                    let close = try await socket.closed()
                    #expect(close?.closeCode == .unknown(4401), "token \(presented ?? "none")")
                    #expect(close?.reason?.contains(reason) == true, "\(close?.reason ?? "no reason") should say \(reason)")
                }
            }
        }

        @Test("a valid token for another user than the hello asks for closes with 4403; nothing reaches that cart")
        func otherUser() async throws {
            try await withSecuredServer { server in
                let socket = try await TestSocket.connect(server.groceryURL)
                socket.send(.hello(.init(sessionId: nil, userId: "lee", token: token("kim"))))
                socket.send(.cart(CartCommand(id: "sneak", action: .add, productId: "banana", quantity: 5)))
                let close = try await socket.closed()
                #expect(close?.closeCode == .unknown(4403))
                let lee = try await TestSocket.connect(server.groceryURL)
                lee.send(.hello(.init(sessionId: nil, userId: "lee", token: token("lee"))))
                guard case .welcome = try await lee.nextMessage() else { throw TestFailure("expected welcome") }
                guard case .cart(let cart) = try await lee.nextMessage() else { throw TestFailure("expected the cart") }
                #expect(cart.items.isEmpty)
                try await lee.close()
            }
        }

        @Test("two users on one server each see only their own cart")
        func isolated() async throws {
            try await withSecuredServer { server in
                for (user, product) in [("kim", "banana"), ("lee", "lemon")] {
                    let socket = try await TestSocket.connect(server.groceryURL)
                    socket.send(.hello(.init(sessionId: nil, userId: user, token: token(user))))
                    _ = try await socket.nextMessage()  // welcome
                    _ = try await socket.nextMessage()  // cart
                    socket.send(.cart(CartCommand(id: "\(user)-1", action: .add, productId: product, quantity: 2)))
                    #expect(try await socket.nextMessage() == .ack(id: "\(user)-1"))
                    try await socket.close()
                }
                for (user, product) in [("kim", "banana"), ("lee", "lemon")] {
                    let socket = try await TestSocket.connect(server.groceryURL)
                    socket.send(.hello(.init(sessionId: nil, userId: user, token: token(user))))
                    _ = try await socket.nextMessage()
                    guard case .cart(let cart) = try await socket.nextMessage() else { throw TestFailure("expected the cart") }
                    #expect(cart.items.map(\.productId) == [product], "\(user)'s cart")
                    try await socket.close()
                }
            }
        }

        @Test("an Authorization: Bearer header on the upgrade stands in for the hello's token")
        func bearer() async throws {
            try await withSecuredServer { server in
                let socket = try await TestSocket.connect(server.walmartURL, headers: [.authorization: "Bearer \(token("kim"))"])
                socket.send(.hello(.init(sessionId: "b-1", userId: "kim")))
                #expect(try await socket.nextMessage() == .welcome(sessionId: "b-1", resumed: false, heartbeatMs: 30_000, messageRate: MessageRate(perSecond: 100, burst: 200)))
                try await socket.close()
            }
        }

        /// Issue 32: token-less tRPC sockets that never sent anything answered pings, so
        /// no deadline closed them, and they held the address's connection cap for good.
        @Test("tRPC sockets that never send a token are closed at the hello deadline, so a client with a valid token gets in")
        func trpcHolders() async throws {
            // 20 s: the cap must still be full when the test checks it, even in a loaded run.
            try await withServer({ $0.tokens = testSigner; $0.deadlines.hello = .seconds(20); $0.limits.connectionsPerIP = 2 }) { server in
                let holders = [try await TestSocket.connect(server.trpcURL), try await TestSocket.connect(server.trpcURL + "?userId=kim")]
                #expect(try await RawHTTP.upgrade(port: server.ports.walmart, path: "/trpc-ws").status == 429)  // the cap is full
                for socket in holders {
                    let close = try await socket.closed(timeout: .seconds(60))
                    #expect(close?.closeCode == .policyViolation)
                }
                let status = try await RawHTTP.status(becomes: 101) { try await RawHTTP.upgrade(port: server.ports.walmart, path: "/trpc-ws") }
                #expect(status == 101)
                // A valid token in the upgrade's header admits at once: its holder is not closed.
                let admitted = try await TestSocket.connect(server.trpcURL, headers: [.authorization: "Bearer \(token("kim"))"])
                admitted.send(trpc(1, "query", "cart.get"))
                #expect((try await nextJSON(admitted))["result"] != nil)
                try await admitted.close()
            }
        }

        @Test("tRPC: connectionParams with a token serves that user's cart; without a token the first request closes with 4401")
        func trpcParams() async throws {
            try await withSecuredServer { server in
                let socket = try await TestSocket.connect(server.trpcURL)
                socket.send(#"{"method":"connectionParams","data":{"token":"\#(token("kim"))"}}"#)
                socket.send(trpc(1, "mutation", "cart.add", ["productId": "banana", "quantity": 3, "id": "k-1"]))
                let added = try await nextJSON(socket)
                let items = ((added["result"] as? [String: Any])?["data"] as? [String: Any])?["items"] as? [[String: Any]]
                #expect(items?.first?["quantity"] as? Double == 3)
                try await socket.close()

                let bare = try await TestSocket.connect(server.trpcURL + "?userId=kim")
                bare.send(trpc(2, "query", "cart.get"))
                let close = try await bare.closed()
                #expect(close?.closeCode == .unknown(4401))

                let other = try await TestSocket.connect(server.trpcURL)
                other.send(#"{"method":"connectionParams","data":{"token":"\#(token("kim"))","userId":"lee"}}"#)
                #expect(try await other.closed()?.closeCode == .unknown(4403))

                let header = try await TestSocket.connect(server.trpcURL, headers: [.authorization: "Bearer \(token("kim"))"])
                header.send(trpc(3, "query", "cart.get"))
                let cart = try await nextJSON(header)
                #expect((((cart["result"] as? [String: Any])?["data"] as? [String: Any])?["items"] as? [[String: Any]])?.count == 1)
                try await header.close()
            }
        }
    }

    @Suite("Exposure")
    struct Exposure {
        @Test("a non-loopback address needs a secret or --insecure-no-auth; loopback needs neither")
        func rule() throws {
            var configuration = ServerConfiguration()
            for host in ["127.0.0.1", "localhost", "::1", "127.0.0.2"] {
                configuration.host = host
                #expect(throws: Never.self) { try configuration.checkExposure() }
            }
            configuration.host = "0.0.0.0"
            #expect(throws: ExposureError.self) { try configuration.checkExposure() }
            #expect(throws: ExposureError.self) { try GroceryServer(configuration: configuration, logger: .init(label: "t")) }
            configuration.insecureNoAuth = true
            #expect(throws: Never.self) { try configuration.checkExposure() }
            configuration.insecureNoAuth = false
            configuration.tokens = testSigner
            #expect(throws: Never.self) { try configuration.checkExposure() }
        }

        @Test("the conformance echo is for loopback only, even with a secret")
        func echo() throws {
            var configuration = ServerConfiguration()
            configuration.conformanceEchoPath = "/echo"
            #expect(throws: Never.self) { try configuration.checkExposure() }
            configuration.host = "0.0.0.0"
            configuration.tokens = testSigner
            #expect {
                try configuration.checkExposure()
            } throws: { error in
                (error as? ExposureError)?.reason == .conformanceEcho
            }
        }
    }
}
