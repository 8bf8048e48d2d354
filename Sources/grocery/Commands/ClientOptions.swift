import ArgumentParser
import Foundation
import GroceryClient
import GroceryProtocol

/// The client options shared by `tui` and `pipe` (DESIGN §2); each also as `GROCERY_…`.
struct ClientOptions: ParsableArguments {
    @Option(help: "Walmart channel URL. (env: GROCERY_WALMART_URL, default ws://127.0.0.1:3001/ws/walmart)")
    var walmartUrl: String?

    @Option(help: "Grocery channel URL. (env: GROCERY_GROCERY_URL, default ws://127.0.0.1:3002/ws/grocery)")
    var groceryUrl: String?

    @Option(help: "Whose cart. (env: GROCERY_USER_ID, default the token's user, else $USER)")
    var userId: String?

    @Option(help: "Signed user token from `grocery token`, for a server started with --secret-file. Prefer the variable: a flag shows in `ps`. (env: GROCERY_TOKEN)")
    var token: String?

    @Option(help: "Trust only the certificates in this PEM file for wss:// (e.g. a self-signed demo certificate) instead of the system store. (env: GROCERY_CA_FILE)")
    var caFile: String?

    @Option(help: "Delay before the first reconnect attempt, ms. (env: GROCERY_INITIAL_DELAY_MS, default 1000)")
    var initialDelayMs: Int?

    @Option(help: "Largest delay before jitter, ms. (env: GROCERY_MAX_DELAY_MS, default 30000)")
    var maxDelayMs: Int?

    @Option(help: "Delay growth per attempt. (env: GROCERY_MULTIPLIER, default 1.5)")
    var multiplier: Double?

    @Option(help: "Relative jitter 0…1. (env: GROCERY_JITTER, default 0.25)")
    var jitter: Double?

    @Flag(help: "No jitter: the exact delay sequence. (env: GROCERY_NO_JITTER=1)")
    var noJitter = false

    @Option(help: "Reconnect attempts before giving up. (env: GROCERY_MAX_ATTEMPTS, default 10)")
    var maxAttempts: Int?

    @Option(help: "Heartbeat interval, ms. (env: GROCERY_HEARTBEAT_MS, default 30000)")
    var heartbeatMs: Int?

    @Option(help: "No frame this long after a ping means the connection is dead, ms. (env: GROCERY_HEARTBEAT_TIMEOUT_MS, default 10000)")
    var heartbeatTimeoutMs: Int?

    @Option(help: "TCP + handshake + welcome must take at most this, ms. (env: GROCERY_CONNECT_TIMEOUT_MS, default 10000)")
    var connectTimeoutMs: Int?

    @Option(help: "Healthy this long resets the attempt counter, ms. (env: GROCERY_STABLE_AFTER_MS, default 5000)")
    var stableAfterMs: Int?

    @Option(help: "Outbound queue file. (env: GROCERY_QUEUE_FILE, default $XDG_STATE_HOME/grocery/queue-USER.json)")
    var queueFile: String?

    /// The configuration these options describe, flags first, then variables, then defaults.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ClientConfiguration {
        let env = EnvironmentOption(environment: environment)
        let token = try env.value(token, "GROCERY_TOKEN", default: "") { $0 }
        let claims = token.isEmpty ? nil : TokenClaims(unverifiedToken: token)
        if !token.isEmpty, claims == nil {
            throw ValidationError("the token is not one `grocery token` makes (two base64url parts joined by a dot)")
        }
        let user = try env.value(userId, "GROCERY_USER_ID", default: claims?.user ?? environment["USER"] ?? "shopper") { $0 }
        var configuration = ClientConfiguration(userId: user)
        configuration.token = token.isEmpty ? nil : token
        configuration.walmartURL = try env.value(walmartUrl, "GROCERY_WALMART_URL", default: configuration.walmartURL, parse: Self.url)
        configuration.groceryURL = try env.value(groceryUrl, "GROCERY_GROCERY_URL", default: configuration.groceryURL, parse: Self.url)
        guard Self.url(configuration.walmartURL) != nil, Self.url(configuration.groceryURL) != nil else {
            throw ValidationError("URLs must look like ws://host:port/path or wss://host:port/path")
        }
        let caFile = try env.value(caFile, "GROCERY_CA_FILE", default: "") { $0 }
        if !caFile.isEmpty {
            do {
                configuration.tls = try ClientTLS(caFile: caFile)
            } catch {
                throw ValidationError("--ca-file: \(error.message)")
            }
        }
        var policy = ReconnectPolicy()
        policy.initialDelay = .milliseconds(try env.value(initialDelayMs, "GROCERY_INITIAL_DELAY_MS", default: 1000, parse: Self.positive))
        policy.maxDelay = .milliseconds(try env.value(maxDelayMs, "GROCERY_MAX_DELAY_MS", default: 30_000, parse: Self.positive))
        policy.multiplier = try env.value(multiplier, "GROCERY_MULTIPLIER", default: 1.5) { Double($0).flatMap { $0 >= 1 ? $0 : nil } }
        policy.jitter = try env.value(jitter, "GROCERY_JITTER", default: 0.25) { Double($0).flatMap { (0...1).contains($0) ? $0 : nil } }
        if noJitter || environment["GROCERY_NO_JITTER"].map({ ["1", "true", "yes"].contains($0.lowercased()) }) == true { policy.jitter = 0 }
        policy.maxAttempts = try env.value(maxAttempts, "GROCERY_MAX_ATTEMPTS", default: 10) { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
        policy.stableAfter = .milliseconds(try env.value(stableAfterMs, "GROCERY_STABLE_AFTER_MS", default: 5000, parse: Self.positive))
        guard policy.multiplier >= 1, (0...1).contains(policy.jitter), policy.maxAttempts >= 0 else {
            throw ValidationError("--multiplier must be ≥ 1, --jitter 0…1, --max-attempts ≥ 0")
        }
        var channel = ChannelOptions()
        channel.policy = policy
        channel.heartbeatInterval = .milliseconds(try env.value(heartbeatMs, "GROCERY_HEARTBEAT_MS", default: 30_000, parse: Self.positive))
        channel.heartbeatTimeout = .milliseconds(try env.value(heartbeatTimeoutMs, "GROCERY_HEARTBEAT_TIMEOUT_MS", default: 10_000, parse: Self.positive))
        channel.connectTimeout = .milliseconds(try env.value(connectTimeoutMs, "GROCERY_CONNECT_TIMEOUT_MS", default: 10_000, parse: Self.positive))
        configuration.channel = channel
        let file = try env.value(queueFile, "GROCERY_QUEUE_FILE", default: "") { $0 }
        configuration.queueFile = file.isEmpty ? OutboundQueue.defaultFile(user: user, environment: environment) : URL(fileURLWithPath: file)
        return configuration
    }

    private static func url(_ text: String) -> String? {
        guard let parts = URLComponents(string: text), ["ws", "wss"].contains(parts.scheme), parts.host != nil else { return nil }
        return text
    }

    private static func positive(_ text: String) -> Int? { Int(text).flatMap { $0 > 0 ? $0 : nil } }
}
