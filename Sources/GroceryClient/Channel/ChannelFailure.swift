import GroceryProtocol

/// Why a connection attempt failed or a connection ended, and what to do about it.
struct ChannelFailure: Error, Sendable, Equatable {
    enum Action: Sendable, Equatable {
        /// Wait (at least `minimum`, when the server said so) and reconnect.
        case retry(minimum: Duration?)
        /// Retrying cannot help: `failed` at once, until the user retries.
        case fail
    }

    var action: Action
    var message: String

    static func retry(_ message: String, minimum: Duration? = nil) -> ChannelFailure {
        ChannelFailure(action: .retry(minimum: minimum), message: message)
    }

    static func fail(_ message: String) -> ChannelFailure {
        ChannelFailure(action: .fail, message: message)
    }

    /// A refused upgrade: 403 and other client errors fail; 429 and 503 wait `Retry-After`.
    static func refused(status: Int, retryAfter: Duration?) -> ChannelFailure {
        switch status {
        case 429, 503:
            .retry("server busy (HTTP \(status))", minimum: retryAfter)
        case 401, 403:
            .fail("refused by the server (HTTP \(status))")
        case 400..<500:
            .fail("the server does not accept this connection (HTTP \(status))")
        default:
            .retry("upgrade failed (HTTP \(status))")
        }
    }

    /// A close from the server: 1008/4401/4403 fail, the rest reconnect.
    static func closed(code: UInt16, reason: String, minimum: Duration?) -> ChannelFailure {
        let detail = reason.isEmpty ? "" : ": \(reason)"
        switch code {
        case CloseCode.policyViolation.rawValue, CloseCode.unauthorized.rawValue, CloseCode.forbidden.rawValue:
            return .fail("closed by the server with \(code)\(detail)")
        case 1006:
            return .retry("connection lost\(detail.isEmpty ? "" : detail)", minimum: minimum)
        default:
            return .retry("closed with \(code)\(detail)", minimum: minimum)
        }
    }
}
