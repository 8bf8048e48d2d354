import GroceryProtocol

/// A user's cart changed: every grocery connection of that user gets the new `cart`,
/// and every tRPC `cart.onChange` subscription of that user gets it as data.
enum CartBroadcast {
    static func send(_ cart: CartSnapshot, of userId: String, context: ServerContext) {
        let frame = ServerMessage.cart(cart).encoded()
        for connection in context.registry.connections(of: userId, kind: .grocery) {
            connection.send(frame)
        }
        let data = cart.json()
        for (connection, subscriptions) in context.registry.cartSubscribers(of: userId) {
            for id in subscriptions {
                connection.send(TRPCWire.result(idJSON: id, type: "data", dataJSON: data))
            }
        }
    }
}
