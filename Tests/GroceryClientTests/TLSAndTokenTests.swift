import Clocks
import Foundation
import GroceryProtocol
import GroceryServer
import GroceryTestSupport
import Testing

@testable import GroceryClient

@Suite("TLS and tokens, real client against the real server", .timed)
struct TLSAndTokenTests {
    static let secret = Data("client-test-secret-of-32-bytes!!".utf8)

    /// Starts a channel on the real transport, with a test clock that never moves, and
    /// returns why it failed. It must fail at its first attempt, so no retry was scheduled.
    func failure(_ url: String, tls: ClientTLS = ClientTLS(), token: String? = nil) async throws -> String {
        let channel = ReconnectingChannel(
            name: "tls", url: url, hello: .init(sessionId: nil, userId: "kim", token: token), transport: NIOWebSocketTransport(tls: tls),
            clock: AnyClientClock(TestClock<Duration>()), random: SharedRandom(seed: 1), options: ChannelOptions())
        await channel.start()
        let state = try await awaitState(channel) { if case .failed = $0 { true } else { false } }
        await channel.close()
        guard case .failed(let reason, 0) = state else { throw TestFailure("expected failed at once, got \(state)") }
        return reason.description
    }

    @Test("wss:// with a certificate made in the test and --ca-file, plus a token: query out, result back, cart changed")
    func roundTrip() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let signer = try TokenSigner(secret: Self.secret)
        try await withServer({
            $0.tls = try? ServerTLS.configuration(certificateFile: certificate.certificateFile, keyFile: certificate.keyFile)
            $0.tokens = signer
        }) { server in
            #expect(server.walmartURL.hasPrefix("wss://"))
            var configuration = ClientConfiguration(userId: "kim")
            configuration.walmartURL = server.walmartURL
            configuration.groceryURL = server.groceryURL
            configuration.tls = try ClientTLS(caFile: certificate.certificateFile)
            configuration.token = signer.token(for: TokenClaims(user: "kim", expires: Date().addingTimeInterval(600)))
            let client = try GroceryClient(configuration: configuration)
            let changed = Task { () -> CartSnapshot? in
                for await event in client.events {
                    if case .cart(let cart) = event, cart.version == 1 { return cart }
                }
                return nil
            }
            await client.start()
            try await client.submit("add 3 bananas")
            let cart = try await withDeadline(.seconds(60), { await changed.value }, onTimeout: { await client.close() }) ?? nil
            #expect(cart?.items.first?.productId == "banana")
            #expect(cart?.items.first?.quantity == 3)
            await client.close()
        }
    }

    @Test("a self-signed server without --ca-file: failed at once with the reason, no retry scheduled")
    func untrusted() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        try await withServer({
            $0.tls = try? ServerTLS.configuration(certificateFile: certificate.certificateFile, keyFile: certificate.keyFile)
        }) { server in
            let reason = try await failure(server.walmartURL)
            #expect(reason.contains("not trusted") && reason.contains("--ca-file"), "\(reason)")
        }
    }

    @Test("a trusted certificate for another name fails at once: it is not for this host")
    func otherName() async throws {
        let certificate = try TestCertificate(names: ["other.example"], addresses: [])
        defer { certificate.remove() }
        try await withServer({
            $0.tls = try? ServerTLS.configuration(certificateFile: certificate.certificateFile, keyFile: certificate.keyFile)
        }) { server in
            let reason = try await failure(server.walmartURL, tls: try ClientTLS(caFile: certificate.certificateFile))
            #expect(reason.contains("not for 127.0.0.1"), "\(reason)")
        }
    }

    @Test("wss:// to a plain server fails at once: it does not speak TLS")
    func plainServer() async throws {
        try await withServer { server in
            let reason = try await failure(server.walmartURL.replacingOccurrences(of: "ws://", with: "wss://"))
            #expect(reason.contains("does not speak TLS"), "\(reason)")
        }
    }

    @Test("forged, expired and other users' tokens: failed at once with the server's 4401/4403 reason")
    func refusedTokens() async throws {
        let signer = try TokenSigner(secret: Self.secret)
        let forger = try TokenSigner(secret: Data(repeating: 3, count: 32))
        let soon = Date().addingTimeInterval(600)
        let cases: [(String?, String)] = [
            (forger.token(for: TokenClaims(user: "kim", expires: soon)), "4401"),
            (signer.token(for: TokenClaims(user: "kim", expires: Date().addingTimeInterval(-1))), "expired"),
            (signer.token(for: TokenClaims(user: "lee", expires: soon)), "4403"),
            (nil, "token is required"),
        ]
        try await withServer({ $0.tokens = signer }) { server in
            for (token, expected) in cases {
                let reason = try await failure(server.groceryURL, token: token)
                #expect(reason.contains(expected), "\(reason) should say \(expected)")
            }
        }
    }

    @Test("--ca-file that is missing or holds no certificate is an error before any connection")
    func badCAFile() throws {
        #expect(throws: ClientTLSError.self) { try ClientTLS(caFile: "/nonexistent/ca.pem") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-pem-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "hello".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ClientTLSError.self) { try ClientTLS(caFile: path) }
    }
}
