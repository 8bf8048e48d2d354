import ArgumentParser
import Foundation
import GroceryProtocol
import GroceryServer

/// `grocery token`: signs a user token for a server started with the same `--secret-file`.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a signed token that lets one user open their own cart on a server with --secret-file.",
        discussion: """
            The token is HMAC-SHA256 over the user and the expiry, with the server's secret.
            Give it to that user's client as GROCERY_TOKEN (or --token). Only the token goes
            to stdout, so `export GROCERY_TOKEN=$(grocery token --user kim --secret-file F)` works.
            """
    )

    @Option(help: "Whose token: 1 to 64 letters, digits or . _ - @")
    var user: String

    @Option(help: "How long it is valid: a number with s, m, h or d (at most 366d).")
    var ttl = "24h"

    @Option(help: "The server's secret file. (env: GROCERY_SECRET_FILE)")
    var secretFile: String?

    func validate() throws {
        guard UserID.isValid(user) else { throw ValidationError("--user: \(UserID.rule)") }
        guard Self.duration(ttl) != nil else { throw ValidationError("--ttl \(ttl): expected e.g. 90s, 30m, 24h or 7d, above 0 and at most 366d") }
    }

    func run() throws {
        let path = secretFile ?? ProcessInfo.processInfo.environment["GROCERY_SECRET_FILE"] ?? ""
        guard !path.isEmpty else { throw ValidationError("--secret-file is required (the file `grocery serve --secret-file` reads)") }
        let signer: TokenSigner
        do {
            signer = try TokenSigner(secretFile: path)
        } catch {
            throw ValidationError("--secret-file: \(error)")
        }
        let expires = Date().addingTimeInterval(Self.duration(ttl)!)
        let claims = TokenClaims(user: user, expires: expires)
        Output.standardOutput(signer.token(for: claims) + "\n")
        Output.standardError("token for \(user), valid until \(claims.expires.formatted(.iso8601))\n")
    }

    /// Seconds in "90s", "30m", "24h", "7d" (a bare number is seconds); nil when out of range.
    static func duration(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let unit = text.last.flatMap { units[$0] }
        let number = unit == nil ? text : String(text.dropLast())
        guard let value = Double(number), value.isFinite else { return nil }
        let seconds = value * (unit ?? 1)
        return seconds > 0 && seconds <= 366 * 86_400 ? seconds : nil
    }
}
