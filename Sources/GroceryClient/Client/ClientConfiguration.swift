import Foundation

/// What a client front end (`grocery pipe`, the TUI) is told (DESIGN §2).
public struct ClientConfiguration: Sendable {
    /// The walmart channel.
    public var walmartURL = "ws://127.0.0.1:3001/ws/walmart"
    /// The grocery channel.
    public var groceryURL = "ws://127.0.0.1:3002/ws/grocery"
    /// Whose cart.
    public var userId: String
    /// A signed user token for a server started with a secret (sent in every hello).
    public var token: String?
    /// How `wss://` servers are verified.
    public var tls = ClientTLS()
    /// Connection rules for both channels.
    public var channel = ChannelOptions()
    /// Where the outbound queue is kept; nil keeps it in memory.
    public var queueFile: URL?
    /// Most messages the queue holds.
    public var queueCapacity = 1000
    /// Which cart-changing results wait for the shopper.
    public var confirmation = Confirmation()

    /// A configuration for `userId` with the defaults.
    public init(userId: String) {
        self.userId = userId
    }
}
