import NIOCore

/// One complete WebSocket message from a client, its fragments joined.
enum InboundMessage: Sendable {
    /// A text message, already checked to be valid UTF-8.
    case text(String)
    /// A binary message (every channel answers it with an error).
    case binary(ByteBuffer)
}

/// What a connection does with its messages: the walmart, grocery and tRPC channels
/// each have one. Called only on the connection's event loop.
protocol Conversation: AnyObject {
    /// A complete message arrived.
    func receive(_ message: InboundMessage)
    /// The connection is closed; nothing more will arrive.
    func end()
    /// Whether the client has said who it is (walmart, grocery: a welcomed hello; tRPC: an
    /// admitted user). Until then the hello deadline closes the connection.
    var isIdentified: Bool { get }
}
