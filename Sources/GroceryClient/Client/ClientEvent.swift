import GroceryProtocol

/// What the client core reports to a front end, in order.
public enum ClientEvent: Sendable, Equatable {
    /// A channel's state changed.
    case state(channel: String, ConnectionState)
    /// The NLP answer to a query.
    case result(id: String, NLPResult)
    /// The cart, after welcome and after every change.
    case cart(CartSnapshot)
    /// A message was written to the queue; `depth` messages wait now. `change` is the
    /// cart message it is (nil for a query), so a front end can mark the line it changes.
    case queued(id: String, depth: Int, change: CartCommand? = nil)
    /// A result the shopper must confirm (``Confirmation``): it changed nothing;
    /// ``GroceryClient/confirm(_:_:)`` applies it.
    case held(id: String, NLPResult)
    /// Cart messages queued together as one change of the shopper's (a result, a
    /// confirmed question, a pick, an edit, an undo): what an undo takes back.
    case changed([CartCommand])
    /// A message got its reply and left the queue.
    case delivered(id: String)
    /// A checkout recorded an order: its receipt.
    case order(id: String, Receipt)
    /// The latest orders, newest first (answer to ``GroceryClient/requestOrders()``).
    case orders(id: String, [Receipt])
    /// The server refused a message (or it cannot be sent): it left the queue for the
    /// rejected record, where the user can see it; it will not be sent again.
    case rejected(id: String, code: String, message: String)
    /// Something went wrong that the user should see.
    case error(code: String, message: String)
}
