/// A message a client sends on the walmart or grocery channel (DESIGN §4).
public enum ClientMessage: Sendable, Equatable {
    /// First message on every (re)connect.
    case hello(Hello)
    /// walmart: parse this text.
    case nlpQuery(id: String, text: String)
    /// grocery: change or read the cart.
    case cart(CartCommand)
    /// Heartbeat; answered with `pong` carrying the same `ts`.
    case ping(ts: Double)

    /// Fields of `hello`.
    public struct Hello: Codable, Sendable, Equatable {
        /// The client run's session id (kept across reconnects); the server makes one when absent.
        public var sessionId: String?
        /// Whose cart this connection works on.
        public var userId: String
        /// A signed user token (``TokenClaims``); required by a server started with a secret.
        public var token: String?
        /// Creates a hello.
        public init(sessionId: String?, userId: String, token: String? = nil) {
            self.sessionId = sessionId
            self.userId = userId
            self.token = token
        }
    }

    /// The `id` a reply must echo, when the message has one.
    public var id: String? {
        switch self {
        case .hello, .ping: nil
        case .nlpQuery(let id, _): id
        case .cart(let command): command.id
        }
    }
}

/// A cart change or read on the grocery channel; `id` makes it idempotent.
public struct CartCommand: Sendable, Equatable {
    /// What to do.
    public enum Action: String, Codable, Sendable, CaseIterable {
        /// Add `quantity` of `productId`.
        case add = "cart.add"
        /// Take `quantity` off the line, or the whole line when quantity is absent.
        case remove = "cart.remove"
        /// Set the line to `quantity` (0 removes it).
        case update = "cart.update"
        /// Empty the cart.
        case clear = "cart.clear"
        /// Send the cart.
        case get = "cart.get"
        /// Record an order of the whole cart and empty it.
        case checkout
        /// Send the latest orders (``ServerMessage/orders(id:_:)``).
        case orders = "orders.get"
    }

    /// Unique message id (UUID); a repeat is answered, not applied again.
    public var id: String
    /// What to do.
    public var action: Action
    /// The catalog product, for add / remove / update.
    public var productId: String?
    /// How many, in `unit`.
    public var quantity: Double?
    /// What `quantity` counts; nil means the product's own sale unit. `each` for a product
    /// sold by the pound counts pieces, bought at an estimated weight ("4 apples").
    public var unit: SaleUnit?

    /// Creates a command.
    public init(id: String, action: Action, productId: String? = nil, quantity: Double? = nil, unit: SaleUnit? = nil) {
        self.id = id
        self.action = action
        self.productId = productId
        self.quantity = quantity
        self.unit = unit
    }
}
