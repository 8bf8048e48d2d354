import GroceryProtocol

/// A user's cart changed: every grocery connection of that user gets the new `cart`,
/// and every tRPC `cart.onChange` subscription of that user gets it as data. A snapshot
/// is the whole cart and goes out in version order: an older one than a connection
/// already has is dropped, and one that has not been read yet is replaced by the
/// newest (``LiveConnection/sendSnapshot(_:version:key:)``).
enum CartBroadcast {
    /// The stream key of the grocery channel's `cart` messages.
    static let groceryKey = "cart"

    static func send(_ cart: CartSnapshot, of userId: String, context: ServerContext) {
        let frame = ServerMessage.cart(cart).encoded()
        for connection in context.registry.connections(of: userId, kind: .grocery) {
            connection.sendSnapshot(frame, version: cart.version, key: groceryKey)
        }
        let data = cart.json()  // once, for every subscription
        for (connection, subscriptions) in context.registry.cartSubscribers(of: userId) {
            for id in subscriptions { subscriptionData(data, version: cart.version, id: id, on: connection) }
        }
    }

    /// The grocery channel's `cart` message to one connection (after `welcome`, or as the
    /// answer to a command that changed nothing).
    static func sendCart(_ cart: CartSnapshot, on connection: LiveConnection) {
        connection.sendSnapshot(ServerMessage.cart(cart).encoded(), version: cart.version, key: groceryKey)
    }

    /// A `cart.onChange` subscription's data: the snapshot's JSON, of `version`.
    static func subscriptionData(_ dataJSON: String, version: Int, id: String, on connection: LiveConnection) {
        connection.sendSnapshot(TRPCWire.result(idJSON: id, type: "data", dataJSON: dataJSON), version: version, key: id)
    }
}
