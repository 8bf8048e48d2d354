import GroceryProtocol

/// A user's cart changed: every grocery connection of that user gets the new `cart`,
/// and every tRPC `cart.onChange` subscription of that user gets it as data. A snapshot
/// is the whole cart, so a connection that has not read the previous one gets only the
/// newest (``LiveConnection/sendLatest(_:key:)``).
enum CartBroadcast {
    static func send(_ cart: CartSnapshot, of userId: String, context: ServerContext) {
        let frame = ServerMessage.cart(cart).encoded()
        for connection in context.registry.connections(of: userId, kind: .grocery) {
            connection.sendLatest(frame, key: "cart")
        }
        let data = cart.json()
        for (connection, subscriptions) in context.registry.cartSubscribers(of: userId) {
            for id in subscriptions {
                connection.sendLatest(TRPCWire.result(idJSON: id, type: "data", dataJSON: data), key: id)
            }
        }
    }
}
