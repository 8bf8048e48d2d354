import ArgumentParser
import Foundation
import GroceryServer
import Logging

/// `grocery serve`: the backend alone.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the grocery server: walmart channel, tRPC and /health on one port, grocery channel on another.",
        discussion: """
            Every option can also be set with the environment variable shown. Stops
            gracefully on SIGTERM or SIGINT: clients are told when to reconnect, sockets
            close with 1001, the database is closed, and the process exits 0.
            """
    )

    @Option(help: "Address to listen on. Anything but loopback needs --secret-file (or --insecure-no-auth). (env: GROCERY_HOST, default 127.0.0.1)")
    var host: String?

    @Option(help: "File holding the token secret (at least 32 bytes): hellos then need a token from `grocery token` and can only open its user's cart. (env: GROCERY_SECRET_FILE)")
    var secretFile: String?

    @Flag(help: "Listen on a non-loopback address without tokens: anyone who can connect may open any cart. (env: GROCERY_INSECURE_NO_AUTH=1)")
    var insecureNoAuth = false

    @Option(help: "PEM certificate chain: both ports then speak TLS (wss://, https://). Needs --tls-key-file. (env: GROCERY_TLS_CERT_FILE)")
    var tlsCertFile: String?

    @Option(help: "PEM private key of --tls-cert-file. (env: GROCERY_TLS_KEY_FILE)")
    var tlsKeyFile: String?

    @Option(help: "Port of the walmart channel, tRPC and /health; 0 picks a free one. (env: GROCERY_WALMART_PORT, default 3001)")
    var walmartPort: Int?

    @Option(help: "Port of the grocery channel; 0 picks a free one. (env: GROCERY_GROCERY_PORT, default 3002)")
    var groceryPort: Int?

    @Option(help: "SQLite database file, or :memory:. (env: GROCERY_DB, default $XDG_DATA_HOME/grocery/grocery.sqlite)")
    var db: String?

    @Option(help: "A browser origin allowed to connect; repeat it to allow several. Replaces the defaults. (env: GROCERY_ALLOWED_ORIGINS, comma-separated)")
    var allowedOrigin: [String] = []

    @Option(help: "WebSocket upgrades per second per client IP. (env: GROCERY_UPGRADES_PER_SECOND, default 20)")
    var upgradesPerSecond: Double?

    @Option(help: "Upgrades a client IP may make in a burst. (env: GROCERY_UPGRADE_BURST, default 40)")
    var upgradeBurst: Double?

    @Option(help: "Open WebSocket connections per client IP. (env: GROCERY_MAX_CONNECTIONS_PER_IP, default 256)")
    var maxConnectionsPerIp: Int?

    @Option(help: "Messages per second per connection, 0 for no limit. (env: GROCERY_MESSAGES_PER_SECOND, default 100)")
    var messagesPerSecond: Double?

    @Option(help: "Messages a connection may send in a burst. (env: GROCERY_MESSAGE_BURST, default 200)")
    var messageBurst: Double?

    @Option(help: "Refused messages in a row before the connection is closed with 1008. (env: GROCERY_STRIKES_BEFORE_CLOSE, default 50)")
    var strikesBeforeClose: Int?

    @Option(help: "New sessions kept per user per hour; past it a hello gets a session that is not kept. (env: GROCERY_NEW_SESSIONS_PER_USER, default 60)")
    var newSessionsPerUser: Int?

    @Option(help: "New sessions kept per client address per hour. (env: GROCERY_NEW_SESSIONS_PER_ADDRESS, default 600)")
    var newSessionsPerAddress: Int?

    @Option(help: "Seconds a graceful shutdown may take. (env: GROCERY_SHUTDOWN_GRACE, default 5)")
    var shutdownGrace: Double?

    @Option(help: "Range of retryAfterMs sent to clients on shutdown, MIN-MAX. (env: GROCERY_RECONNECT_AFTER_MS, default 1000-5000)")
    var reconnectAfterMs: String?

    @Option(help: "A connection's first request head must arrive within this, ms (slowloris). (env: GROCERY_REQUEST_HEAD_TIMEOUT_MS, default 10000)")
    var requestHeadTimeoutMs: Int?

    @Option(help: "A WebSocket must say hello within this after the upgrade, ms (else 1008). (env: GROCERY_HELLO_TIMEOUT_MS, default 10000)")
    var helloTimeoutMs: Int?

    @Option(help: "A WebSocket with no frame from the client this long is closed with 1001, ms. (env: GROCERY_IDLE_TIMEOUT_MS, default 90000)")
    var idleTimeoutMs: Int?

    @Option(help: "A WebSocket client that leaves our output unread this long is closed with 1008, ms; reading from it pauses meanwhile. (env: GROCERY_WRITE_STALL_TIMEOUT_MS, default 30000)")
    var writeStallTimeoutMs: Int?

    @Option(help: "Testing aid: serve a WebSocket echo at this path on the walmart port, for conformance suites (Autobahn|Testsuite). Off by default; never on a public server. (env: GROCERY_CONFORMANCE_ECHO_PATH)")
    var conformanceEchoPath: String?

    @Option(help: "Hours a processed message id is remembered for de-duplication. (env: GROCERY_PROCESSED_ID_TTL_HOURS, default 168)")
    var processedIdTtlHours: Double?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. (env: GROCERY_LOG_LEVEL, default info)")
    var logLevel: String?

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try resolve(ProcessInfo.processInfo.environment)
        } catch let error as ValidationError {
            // Said plainly: these are about the setup, not the command line's shape.
            Output.standardError("grocery serve: \(error.message)\n")
            throw ExitCode.usage
        }
        let level = try EnvironmentOption.value(logLevel, "GROCERY_LOG_LEVEL", default: "info") { Logger.Level(rawValue: $0) }
        let logger = Log.standardError(label: "grocery.server", level: level)
        let server: GroceryServer
        do {
            server = try GroceryServer(configuration: configuration, logger: logger)
        } catch {
            Output.standardError("grocery serve: cannot open the database at \(configuration.databasePath): \(error)\n")
            throw ExitCode.failure
        }
        do {
            try await server.run { ports in
                // A wildcard address is not one to connect to: show this machine's name instead.
                let host = ["0.0.0.0", "::", "[::]"].contains(configuration.host) ? ProcessInfo.processInfo.hostName : configuration.host
                let (ws, http) = configuration.tls == nil ? ("ws", "http") : ("wss", "https")
                Output.standardOutput(
                    """
                    grocery server listening: walmart=\(ports.walmart) grocery=\(ports.grocery)
                      walmart  \(ws)://\(host):\(ports.walmart)/ws/walmart   tRPC \(ws)://\(host):\(ports.walmart)/trpc-ws
                      grocery  \(ws)://\(host):\(ports.grocery)/ws/grocery
                      health   \(http)://\(host):\(ports.walmart)/health
                      database \(configuration.databasePath)
                      tokens   \(configuration.tokens == nil ? "not required (loopback)" : "required")

                    """)
            }
        } catch {
            Output.standardError("grocery serve: \(error)\n")
            throw ExitCode.failure
        }
    }

    func resolve(_ environment: [String: String]) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        let env = EnvironmentOption(environment: environment)
        configuration.host = try env.value(host, "GROCERY_HOST", default: configuration.host) { $0 }
        configuration.walmartPort = try env.value(walmartPort, "GROCERY_WALMART_PORT", default: configuration.walmartPort, parse: Self.port)
        configuration.groceryPort = try env.value(groceryPort, "GROCERY_GROCERY_PORT", default: configuration.groceryPort, parse: Self.port)
        guard (0...65535).contains(configuration.walmartPort), (0...65535).contains(configuration.groceryPort) else {
            throw ValidationError("ports must be 0…65535")
        }
        configuration.databasePath = try env.value(db, "GROCERY_DB", default: configuration.databasePath) { $0.isEmpty ? nil : $0 }
        if !allowedOrigin.isEmpty {
            configuration.allowedOrigins = allowedOrigin
        } else if let list = environment["GROCERY_ALLOWED_ORIGINS"] {
            configuration.allowedOrigins = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var limits = configuration.limits
        limits.upgradesPerSecond = try env.value(upgradesPerSecond, "GROCERY_UPGRADES_PER_SECOND", default: limits.upgradesPerSecond, parse: Self.positive)
        limits.upgradeBurst = try env.value(upgradeBurst, "GROCERY_UPGRADE_BURST", default: limits.upgradeBurst, parse: Self.positive)
        limits.connectionsPerIP = try env.value(maxConnectionsPerIp, "GROCERY_MAX_CONNECTIONS_PER_IP", default: limits.connectionsPerIP) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        limits.messagesPerSecond = try env.value(messagesPerSecond, "GROCERY_MESSAGES_PER_SECOND", default: limits.messagesPerSecond) { Double($0).flatMap { $0 >= 0 ? $0 : nil } }
        limits.messageBurst = try env.value(messageBurst, "GROCERY_MESSAGE_BURST", default: limits.messageBurst, parse: Self.positive)
        limits.strikesBeforeClose = try env.value(strikesBeforeClose, "GROCERY_STRIKES_BEFORE_CLOSE", default: limits.strikesBeforeClose) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let count = { (text: String) in Int(text).flatMap { $0 > 0 ? $0 : nil } }
        limits.newSessionsPerUserPerHour = try env.value(newSessionsPerUser, "GROCERY_NEW_SESSIONS_PER_USER", default: limits.newSessionsPerUserPerHour, parse: count)
        limits.newSessionsPerAddressPerHour = try env.value(newSessionsPerAddress, "GROCERY_NEW_SESSIONS_PER_ADDRESS", default: limits.newSessionsPerAddressPerHour, parse: count)
        configuration.limits = limits
        let grace = try env.value(shutdownGrace, "GROCERY_SHUTDOWN_GRACE", default: 5, parse: Self.positive)
        configuration.shutdownGrace = .milliseconds(Int(grace * 1000))
        configuration.reconnectAfterMs = try env.parsed(reconnectAfterMs, "GROCERY_RECONNECT_AFTER_MS", default: configuration.reconnectAfterMs) { text in
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2, parts[0] >= 0, parts[0] <= parts[1] else { return nil }
            return parts[0]...parts[1]
        }
        let milliseconds = { (text: String) in Int(text).flatMap { $0 > 0 ? $0 : nil } }
        configuration.deadlines.requestHead = .milliseconds(try env.value(requestHeadTimeoutMs, "GROCERY_REQUEST_HEAD_TIMEOUT_MS", default: 10_000, parse: milliseconds))
        configuration.deadlines.hello = .milliseconds(try env.value(helloTimeoutMs, "GROCERY_HELLO_TIMEOUT_MS", default: 10_000, parse: milliseconds))
        configuration.deadlines.idle = .milliseconds(try env.value(idleTimeoutMs, "GROCERY_IDLE_TIMEOUT_MS", default: 90_000, parse: milliseconds))
        let echoPath = try env.value(conformanceEchoPath, "GROCERY_CONFORMANCE_ECHO_PATH", default: "") { path in
            // "" stands for none; a given path must be a path, and not one a channel uses.
            path.hasPrefix("/") && !["/ws/walmart", "/trpc-ws", "/health"].contains(path) ? path : nil
        }
        configuration.conformanceEchoPath = echoPath.isEmpty ? nil : echoPath
        configuration.deadlines.writeStall = .milliseconds(try env.value(writeStallTimeoutMs, "GROCERY_WRITE_STALL_TIMEOUT_MS", default: 30_000, parse: milliseconds))
        try resolveSecurity(configuration: &configuration, env: env, environment: environment)
        let hours = try env.value(processedIdTtlHours, "GROCERY_PROCESSED_ID_TTL_HOURS", default: 168, parse: Self.positive)
        configuration.processedIDLifetime = .seconds(Int(hours * 3600))
        return configuration
    }

    /// Tokens, TLS and the loopback rule; every file is read now, so a bad one stops the start.
    private func resolveSecurity(configuration: inout ServerConfiguration, env: EnvironmentOption, environment: [String: String]) throws {
        let secretFile = try env.value(secretFile, "GROCERY_SECRET_FILE", default: "") { $0 }
        if !secretFile.isEmpty {
            do {
                configuration.tokens = try TokenSigner(secretFile: secretFile)
            } catch {
                throw ValidationError("--secret-file: \(error)")
            }
            if let mode = (try? FileManager.default.attributesOfItem(atPath: secretFile))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                Output.standardError("grocery serve: warning: \(secretFile) is readable by other users (chmod 600 it)\n")
            }
        }
        configuration.insecureNoAuth = insecureNoAuth || environment["GROCERY_INSECURE_NO_AUTH"].map { ["1", "true", "yes"].contains($0.lowercased()) } == true
        let certificate = try env.value(tlsCertFile, "GROCERY_TLS_CERT_FILE", default: "") { $0 }
        let key = try env.value(tlsKeyFile, "GROCERY_TLS_KEY_FILE", default: "") { $0 }
        switch (certificate.isEmpty, key.isEmpty) {
        case (true, true): break
        case (false, false):
            do {
                configuration.tls = try ServerTLS.configuration(certificateFile: certificate, keyFile: key)
            } catch {
                throw ValidationError("TLS: \(error)")
            }
        default:
            throw ValidationError("--tls-cert-file and --tls-key-file go together")
        }
        do {
            try configuration.checkExposure()
        } catch {
            throw ValidationError(error.description)
        }
    }

    private static func port(_ text: String) -> Int? { Int(text).flatMap { (0...65_535).contains($0) ? $0 : nil } }
    private static func positive(_ text: String) -> Double? { Double(text).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
}
