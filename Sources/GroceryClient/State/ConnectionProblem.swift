/// Why a connection attempt failed or a connection ended (DESIGN §3): a type, so front
/// ends format it and the channel decides from it whether retrying can help.
public indirect enum ConnectionProblem: Sendable, Equatable, CustomStringConvertible {
    /// TCP or the WebSocket handshake failed (refused, unreachable, reset); `detail` is
    /// the transport's own words.
    case cannotConnect(detail: String)
    /// The upgrade was answered with this HTTP status instead of 101.
    case refused(status: Int)
    /// TLS refused the server or cannot be set up (untrusted, wrong name, not TLS).
    case tls(detail: String)
    /// The URL is not one the transport speaks.
    case badURL(String)
    /// The server closed with this code (1006: the connection was lost without a close).
    case closed(code: UInt16, reason: String)
    /// The server closed with 1008 after telling us we sent too fast.
    case rateLimited
    /// The server refused the token: close 4401 (no or bad token) or 4403 (another user's).
    case unauthorized(code: UInt16, reason: String)
    /// The server answered hello with an error.
    case helloRefused(code: String, message: String)
    /// TCP, handshake, hello and welcome took longer than the connect timeout.
    case connectTimeout(Duration)
    /// No frame at all within the heartbeat timeout after a ping: the connection was dead.
    case heartbeatTimeout(Duration)
    /// `attempts` reconnect attempts failed; `last` is the last one's problem.
    case gaveUp(attempts: Int, last: ConnectionProblem)

    /// Whether waiting and trying again can help; false fails the channel at once.
    public var isRetryable: Bool {
        switch self {
        case .cannotConnect, .rateLimited, .connectTimeout, .heartbeatTimeout: true
        case .closed(let code, _): code != 1008  // a policy violation other than the rate
        case .refused(let status): !(400..<500).contains(status) || status == 429 || status == 408
        case .tls, .badURL, .unauthorized, .helloRefused, .gaveUp: false
        }
    }

    /// The problem a server's close code means.
    static func closedBy(code: UInt16, reason: String, afterRateLimit: Bool) -> ConnectionProblem {
        switch code {
        case 4401, 4403: .unauthorized(code: code, reason: reason)
        case 1008 where afterRateLimit: .rateLimited
        default: .closed(code: code, reason: reason)
        }
    }

    /// What a person reads: "connection refused (is the server running?)", "closed by the
    /// server with 1011: …", "gave up after 10 attempts: …".
    public var description: String {
        switch self {
        case .cannotConnect(let detail), .tls(let detail): detail
        case .badURL(let detail): detail
        case .refused(let status):
            switch status {
            case 429, 503: "server busy (HTTP \(status))"
            case 401, 403: "refused by the server (HTTP \(status))"
            case 400..<500: "the server does not accept this connection (HTTP \(status))"
            default: "upgrade failed (HTTP \(status))"
            }
        case .closed(1006, let reason): "connection lost" + (reason.isEmpty || reason == "connection lost" ? "" : ": \(reason)")
        case .closed(let code, let reason) where code == 1008:
            "closed by the server with \(code)" + (reason.isEmpty ? "" : ": \(reason)")
        case .closed(let code, let reason): "closed with \(code)" + (reason.isEmpty ? "" : ": \(reason)")
        case .rateLimited: "closed by the server for sending too fast (1008); slowing down"
        case .unauthorized(let code, let reason): "closed by the server with \(code)" + (reason.isEmpty ? "" : ": \(reason)")
        case .helloRefused(let code, let message): "the server refused hello: \(code): \(message)"
        case .connectTimeout(let limit): "no welcome within \(limit.wholeMilliseconds) ms (connect timeout)"
        case .heartbeatTimeout(let limit): "no answer to a heartbeat within \(limit.wholeMilliseconds) ms"
        case .gaveUp(let attempts, let last): "gave up after \(attempts) attempts: \(last)"
        }
    }
}
