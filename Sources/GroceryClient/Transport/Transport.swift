/// Opens WebSocket connections. The real one is ``NIOWebSocketTransport``; tests of the
/// state machine use a fake.
public protocol Transport: Sendable {
    /// Opens a connection (TCP and WebSocket handshake). Cancelling the calling task
    /// abandons the attempt and closes whatever was opened.
    func connect(to url: String) async throws(TransportError) -> any TransportConnection
}

/// One open WebSocket connection.
public protocol TransportConnection: Sendable {
    /// Sends a text frame.
    func send(_ text: String) async throws(TransportError)
    /// The next event: a text message, or how the connection ended.
    func receive() async -> TransportEvent
    /// Closes with `code` (idempotent); returns once the socket is gone.
    func close(code: UInt16, reason: String) async
    /// Drops the socket at once, without a close handshake: the peer is known dead.
    func terminate() async
}

/// What arrives on a connection.
public enum TransportEvent: Sendable, Equatable {
    /// A complete text message.
    case text(String)
    /// The connection ended: the peer's close code (1006 when there was no close frame).
    case closed(code: UInt16, reason: String)
}

/// Why a connection could not be opened or used.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The upgrade was answered with an HTTP status instead of 101.
    case refused(status: Int, retryAfter: Duration?)
    /// TCP connect or the handshake failed (worth retrying).
    case connectFailed(String)
    /// TLS refused the server (an untrusted certificate, a wrong name, no TLS there) or
    /// could not be set up: retrying cannot help.
    case tls(String)
    /// The URL is not one this transport speaks.
    case unsupportedURL(String)
    /// The connection is closed.
    case closed

    public var description: String {
        switch self {
        case .refused(let status, let retryAfter):
            "upgrade refused with HTTP \(status)" + (retryAfter.map { ", retry after \($0.wholeMilliseconds) ms" } ?? "")
        case .connectFailed(let reason), .tls(let reason), .unsupportedURL(let reason): reason
        case .closed: "connection closed"
        }
    }
}
