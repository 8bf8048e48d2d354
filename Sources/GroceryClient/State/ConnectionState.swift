/// Where a channel's connection is (DESIGN §3). A value: the screen computes countdowns
/// from `retryAt` and the clock; nothing counts down by mutation.
public enum ConnectionState: Sendable, Equatable {
    /// Not started.
    case idle
    /// Opening a socket; `attempt` is 0 for the first connection, k for reconnect attempt k.
    case connecting(attempt: Int)
    /// Welcome received at `since`; `rtt` of the last heartbeat, once there was one.
    case connected(since: Duration, rtt: Duration?)
    /// Waiting to make reconnect attempt `attempt` at `retryAt` (clock time) after `lastError`.
    case waiting(attempt: Int, retryAt: Duration, lastError: ConnectionProblem)
    /// Gave up or was refused; nothing retries until the user asks.
    case failed(reason: ConnectionProblem, attempts: Int)
    /// Closed by the user.
    case closed

    /// A short word for the state, as `grocery pipe` prints it.
    public var name: String {
        switch self {
        case .idle: "idle"
        case .connecting: "connecting"
        case .connected: "connected"
        case .waiting: "waiting"
        case .failed: "failed"
        case .closed: "closed"
        }
    }

    /// Whether a message can be sent now.
    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }
}
