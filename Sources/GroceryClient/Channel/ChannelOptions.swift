/// How one channel connects and watches its connection (DESIGN §3).
public struct ChannelOptions: Sendable, Equatable {
    /// Backoff between reconnect attempts.
    public var policy = ReconnectPolicy()
    /// TCP, WebSocket handshake and `welcome` must all happen within this.
    public var connectTimeout: Duration = .seconds(10)
    /// A `ping` is sent this often while connected.
    public var heartbeatInterval: Duration = .seconds(30)
    /// No frame at all this long after a ping: the connection is dead.
    public var heartbeatTimeout: Duration = .seconds(10)

    /// The defaults.
    public init() {}
}
