import Foundation
import GroceryProtocol
import GroceryServer
import GroceryTestSupport
import Testing

/// Remote use as a person sets it up: a secret file, `grocery token`, `grocery serve`
/// with `--secret-file` and TLS, `grocery pipe` with `GROCERY_TOKEN` and `--ca-file`.
@Suite("Remote use: tokens, TLS and the loopback rule (real processes)", .timed)
struct RemoteUseTests {
    /// A folder with a 0600 secret file (base64 of 32 random bytes, as the README says).
    static func secretFolder() throws -> (folder: URL, secret: String) {
        let folder = PipeCommandTests.scratch()
        let secret = folder.appendingPathComponent("grocery.secret").path
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        try (Data(bytes).base64EncodedString() + "\n").write(toFile: secret, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        return (folder, secret)
    }

    @Test("grocery token prints only the token, for the user and time asked; bad input is a usage error")
    func token() async throws {
        let (folder, secret) = try Self.secretFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try await GroceryProcess.run(["token", "--user", "kim", "--ttl", "2h", "--secret-file", secret])
        #expect(outcome.status == 0)
        let token = outcome.stdout.trimmingCharacters(in: .newlines)
        #expect(!token.contains("\n"))
        let claims = try TokenSigner(secretFile: secret).verify(token).get()
        #expect(claims.user == "kim")
        #expect(abs(claims.expires.timeIntervalSinceNow - 7200) < 60)
        #expect(outcome.stderr.contains("valid until"))

        #expect(try await GroceryProcess.run(["token", "--user", "kim"]).status == 2)  // no secret file
        #expect(try await GroceryProcess.run(["token", "--user", "no spaces", "--secret-file", secret]).status == 2)
        #expect(try await GroceryProcess.run(["token", "--user", "kim", "--ttl", "9999d", "--secret-file", secret]).status == 2)
        let short = secret + ".short"
        try "too short".write(toFile: short, atomically: true, encoding: .utf8)
        let refused = try await GroceryProcess.run(["token", "--user", "kim", "--secret-file", short])
        #expect(refused.status == 2 && refused.stderr.contains("at least 32"))
        let garbage = try await GroceryProcess.run(["pipe", "--token", "not a token"])
        #expect(garbage.status == 2 && garbage.stderr.contains("token"))
        let missingCA = try await GroceryProcess.run(["pipe", "--ca-file", "/nonexistent/ca.pem"])
        #expect(missingCA.status == 2 && missingCA.stderr.contains("--ca-file"))
    }

    @Test("grocery serve refuses a public address without a secret, and says why")
    func publicWithoutSecret() async throws {
        let outcome = try await GroceryProcess.run(["serve", "--host", "0.0.0.0", "--walmart-port", "0", "--grocery-port", "0", "--db", ":memory:"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("refusing to listen on 0.0.0.0 without --secret-file"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--insecure-no-auth"))
    }

    @Test("TLS + token: the pipe with GROCERY_TOKEN and --ca-file changes its user's cart; without the token it fails with 4401 and exit 3")
    func endToEnd() async throws {
        let (folder, secret) = try Self.secretFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try await ServeProcess.start([
            "--host", "0.0.0.0", "--secret-file", secret, "--tls-cert-file", certificate.certificateFile, "--tls-key-file", certificate.keyFile,
            "--db", ":memory:",
        ])
        defer { server.signal(SIGTERM) }
        let token = try await GroceryProcess.run(["token", "--user", "kim", "--secret-file", secret]).stdout.trimmingCharacters(in: .newlines)
        let urls = [
            "--walmart-url", "wss://localhost:\(server.walmartPort)/ws/walmart", "--grocery-url", "wss://127.0.0.1:\(server.groceryPort)/ws/grocery",
            "--ca-file", certificate.certificateFile,
        ]
        let pipe = try PipeProcess(urls + ["--queue-file", folder.appendingPathComponent("kim.json").path], environment: ["GROCERY_TOKEN": token])
        pipe.send("add 2 gallons of milk")
        pipe.endInput()
        #expect(try await pipe.exitStatus(within: .seconds(20)) == 0, "\(pipe.standardError)")
        let cart = try #require(pipe.events.last { $0.event == "cart" })
        #expect(cart["version"] as? Int == 1 && cart["total"] as? Double == 6.96)

        let stranger = try PipeProcess(urls + ["--user-id", "kim", "--queue-file", folder.appendingPathComponent("x.json").path, "--drain-timeout-ms", "3000"])
        stranger.send("add 9 gallons of milk")
        stranger.endInput()
        #expect(try await stranger.exitStatus(within: .seconds(20)) == 3)
        #expect(stranger.events.contains { $0.event == "state" && $0["state"] as? String == "failed" && ($0["reason"] as? String)?.contains("4401") == true })
    }
}
