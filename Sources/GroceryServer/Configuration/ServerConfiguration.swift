import Foundation
import NIOSSL

/// Everything `grocery serve` can be told; each field has a flag and a `GROCERY_…` variable.
public struct ServerConfiguration: Sendable {
    /// Address to bind both ports to.
    public var host = "127.0.0.1"
    /// Walmart channel, tRPC and `/health` (0 = any free port).
    public var walmartPort = 3001
    /// Grocery channel (0 = any free port).
    public var groceryPort = 3002
    /// SQLite file, or `:memory:`.
    public var databasePath = ServerConfiguration.defaultDatabasePath()
    /// Browser origins allowed to upgrade; requests without `Origin` are always allowed.
    public var allowedOrigins = ["http://localhost:5173", "http://127.0.0.1:5173", "http://localhost:3001"]
    /// Rate limits and caps.
    public var limits = Limits()
    /// How long a graceful shutdown may take before connections are cut.
    public var shutdownGrace: Duration = .seconds(5)
    /// `reconnect.retryAfterMs` is drawn uniformly from this range on shutdown.
    public var reconnectAfterMs: ClosedRange<Int> = 1000...5000
    /// How long processed message ids are remembered for de-duplication, and sessions
    /// after their last hello.
    public var processedIDLifetime: Duration = .seconds(7 * 24 * 3600)
    /// How long a session that never came back (one hello only) is kept.
    public var unusedSessionLifetime: Duration = .seconds(3600)
    /// Heartbeat interval advertised in `welcome`.
    public var heartbeatMs = 30_000
    /// Deadlines for what a client controls (each closes the connection when missed).
    public var deadlines = Deadlines()
    /// Largest WebSocket frame accepted; larger closes with 1009.
    public var maxFrameBytes = 64 * 1024
    /// Checks user tokens; nil takes the user a hello names (loopback only, see ``checkExposure()``).
    public var tokens: TokenSigner?
    /// Serves both ports over TLS (see ``ServerTLS``); nil is plain `ws://`.
    public var tls: TLSConfiguration?
    /// Allows a non-loopback address without ``tokens`` (anyone may use any cart).
    public var insecureNoAuth = false
    /// A path on the walmart port that echoes every WebSocket message, for conformance
    /// suites only (nil, the default, serves none). While set, the frame decoder on that
    /// port buffers frames up to the echo's 16 MiB before the channels' own limit
    /// (``maxFrameBytes``) is applied to their messages: never set it on a public server.
    public var conformanceEchoPath: String?

    /// How long a client may take at each stage before the server hangs up, so idle,
    /// slow or silent sockets cannot hold a connection slot forever.
    public struct Deadlines: Sendable {
        /// From TCP accept to a complete first request head (a slowloris is cut here).
        public var requestHead: Duration = .seconds(10)
        /// From the upgrade to a `hello` on the walmart and grocery channels (then close 1008).
        public var hello: Duration = .seconds(10)
        /// No frame at all from the client this long (three heartbeats): close 1001.
        public var idle: Duration = .seconds(90)
        /// Output waiting unread past the high-water mark this long (a client that stopped
        /// reading): close 1008. Reading from it is paused meanwhile.
        public var writeStall: Duration = .seconds(30)
        /// From our close frame to the client's answer; then the socket is closed anyway
        /// (and a shutdown stops waiting for it).
        public var closeHandshake: Duration = .seconds(2)

        /// The defaults: 10 s, 10 s, 90 s, 30 s, 2 s.
        public init() {}
    }

    /// Per-IP and per-connection limits.
    public struct Limits: Sendable {
        /// WebSocket upgrades per second per client IP (token bucket refill).
        public var upgradesPerSecond = 20.0
        /// Upgrades a client IP may make in a burst.
        public var upgradeBurst = 40.0
        /// Open WebSocket connections per client IP.
        public var connectionsPerIP = 256
        /// Messages per second per connection (0 = unlimited).
        public var messagesPerSecond = 100.0
        /// Messages a connection may send in a burst.
        public var messageBurst = 200.0
        /// Refused messages (in a row, without a pause) before the connection is closed with 1008.
        public var strikesBeforeClose = 50
        /// New sessions kept per user per hour; past it a hello gets a session that is not kept.
        public var newSessionsPerUserPerHour = 60
        /// New sessions kept per client address per hour (a NAT may hold many users).
        public var newSessionsPerAddressPerHour = 600

        /// Creates the defaults.
        public init() {}
    }

    /// Creates the defaults.
    public init() {}

    /// Refuses an address other than loopback when anyone could name any user: without
    /// ``tokens``, only with ``insecureNoAuth``.
    public func checkExposure() throws(ExposureError) {
        if conformanceEchoPath != nil, !Self.isLoopback(host) { throw ExposureError(host: host, reason: .conformanceEcho) }
        guard tokens == nil, !insecureNoAuth, !Self.isLoopback(host) else { return }
        throw ExposureError(host: host, reason: .noTokens)
    }

    /// Whether `host` is a loopback address or name.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// `$XDG_DATA_HOME/grocery/grocery.sqlite`, else `~/.local/share/grocery/grocery.sqlite`.
    public static func defaultDatabasePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("grocery/grocery.sqlite")
    }
}

/// A non-loopback address without a token secret.
public struct ExposureError: Error, Sendable, CustomStringConvertible {
    /// The address asked for.
    public var host: String
    /// What would be exposed.
    public var reason: Reason

    /// What a public address would expose.
    public enum Reason: Sendable {
        /// Anyone could name any user.
        case noTokens
        /// The conformance echo (a testing aid that buffers 16 MiB frames).
        case conformanceEcho
    }

    public var description: String {
        if reason == .conformanceEcho {
            return "refusing to listen on \(host) with --conformance-echo-path: the echo is a testing aid for loopback only."
        }
        return """
        refusing to listen on \(host) without --secret-file: anyone who can reach it could open any user's cart. \
        Give --secret-file F (clients then need a token from `grocery token`), or --insecure-no-auth if you mean it.
        """
    }
}
