/// A message the server sends (DESIGN §4).
public enum ServerMessage: Sendable, Equatable {
    /// Answer to `hello`; `messageRate` is the most the server accepts from this
    /// connection (nil: no limit announced), so a client can pace what it resends.
    case welcome(sessionId: String, resumed: Bool, heartbeatMs: Int, messageRate: MessageRate? = nil)
    /// The message with this id is durably recorded.
    case ack(id: String)
    /// The NLP answer to `nlp.query`.
    case nlpResult(id: String, result: NLPResult)
    /// The cart after a change, and right after `welcome` on the grocery channel.
    case cart(CartSnapshot)
    /// A checkout recorded an order: its receipt.
    case order(id: String, Receipt)
    /// Answer to `orders.get`: the user's latest orders, newest first.
    case orders(id: String, [Receipt])
    /// Answer to `ping`.
    case pong(ts: Double)
    /// Something was wrong with a message; the connection stays open.
    case error(id: String?, code: ErrorCode, message: String)
    /// The server is going away: reconnect after at least this long.
    case reconnect(retryAfterMs: Int)
}

/// How fast a connection may send: `perSecond` on average, `burst` at once (a token bucket).
public struct MessageRate: Sendable, Equatable {
    /// Messages per second, on average.
    public var perSecond: Double
    /// Messages at once, after a pause.
    public var burst: Int

    /// A rate.
    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }
}

/// The cart as the server holds it; money in dollars with two places, computed in cents.
public struct CartSnapshot: Codable, Sendable, Equatable {
    /// One line of the cart.
    public struct Line: Codable, Sendable, Equatable {
        /// Catalog id.
        public var productId: String
        /// Display name.
        public var name: String
        /// How many, in `unit`.
        public var quantity: Double
        /// What `quantity` counts: packages or pieces (`each`), or pounds (`lb`).
        public var unit: SaleUnit
        /// For pieces of a product sold by the pound ("4 apples"): their estimated weight
        /// in pounds (count × the catalog's average piece weight); nil otherwise.
        public var estimatedWeight: Double?
        /// Price in dollars per package, or per pound for a product sold by the pound
        /// (also when `quantity` counts pieces).
        public var unitPrice: Double
        /// The line's price rounded to the cent: quantity × unitPrice, or for counted pieces
        /// estimatedWeight × unitPrice (an estimate until the pieces are weighed).
        public var lineTotal: Double

        /// Creates a line.
        public init(
            productId: String, name: String, quantity: Double, unit: SaleUnit, estimatedWeight: Double? = nil,
            unitPrice: Double, lineTotal: Double
        ) {
            self.productId = productId
            self.name = name
            self.quantity = quantity
            self.unit = unit
            self.estimatedWeight = estimatedWeight
            self.unitPrice = unitPrice
            self.lineTotal = lineTotal
        }
    }

    /// Names the cart's history: a new store (a fresh database) is a new epoch, so a
    /// client that sees another epoch takes this snapshot as the truth, whatever its
    /// version. Empty from a server that does not send one.
    public var epoch: String
    /// Goes up by one with every change within an epoch; a client keeps the highest it
    /// has seen of its epoch.
    public var version: Int
    /// The lines, in the order they were first added.
    public var items: [Line]
    /// Sum of the line totals in dollars.
    public var total: Double

    /// Creates a snapshot.
    public init(epoch: String = "", version: Int, items: [Line], total: Double) {
        self.epoch = epoch
        self.version = version
        self.items = items
        self.total = total
    }

    /// Whether a client holding `self` should show `other` instead: another history, or
    /// a version no older than this one.
    public func isSupersededBy(_ other: CartSnapshot) -> Bool {
        other.epoch != epoch || other.version >= version
    }

    private enum CodingKeys: String, CodingKey { case epoch, version, items, total }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try container.decodeIfPresent(String.self, forKey: .epoch) ?? ""
        version = try container.decode(Int.self, forKey: .version)
        items = try container.decode([Line].self, forKey: .items)
        total = try container.decode(Double.self, forKey: .total)
    }
}

/// An order as recorded at checkout: what was bought, at which prices.
public struct Receipt: Codable, Sendable, Equatable {
    /// The order's number, counting up per server database.
    public var orderId: Int
    /// The lines as they were at checkout.
    public var items: [CartSnapshot.Line]
    /// Sum of the line totals in dollars.
    public var total: Double
    /// When, in seconds since 1970.
    public var placedAt: Double

    /// Lines on the receipt (a receipt stored before lines were recorded may have none
    /// and still knows its count).
    public var itemCount: Int

    /// Creates a receipt.
    public init(orderId: Int, items: [CartSnapshot.Line], total: Double, placedAt: Double, itemCount: Int? = nil) {
        self.orderId = orderId
        self.items = items
        self.total = total
        self.placedAt = placedAt
        self.itemCount = itemCount ?? items.count
    }

    private enum CodingKeys: String, CodingKey {
        case orderId, items, total, placedAt, itemCount
    }

    /// Reads a receipt; `items` and `placedAt` may be missing (replies recorded by an
    /// older server).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        orderId = try container.decode(Int.self, forKey: .orderId)
        items = try container.decodeIfPresent([CartSnapshot.Line].self, forKey: .items) ?? []
        total = try container.decodeIfPresent(Double.self, forKey: .total) ?? 0
        placedAt = try container.decodeIfPresent(Double.self, forKey: .placedAt) ?? 0
        itemCount = try container.decodeIfPresent(Int.self, forKey: .itemCount) ?? items.count
    }
}

/// Error codes a server sends in `error` messages.
public enum ErrorCode: String, Codable, Sendable {
    /// The frame was not JSON (or not text).
    case badJSON = "bad_json"
    /// The `type` is not one this channel knows.
    case unknownType = "unknown_type"
    /// A field is missing or has a bad value.
    case invalidField = "invalid_field"
    /// Too many messages; slow down (persisting closes with 1008).
    case rateLimited = "rate_limited"
    /// No such product.
    case notFound = "not_found"
    /// `hello` must come first.
    case helloRequired = "hello_required"
    /// The server could not complete the request.
    case internalError = "internal_error"
}

/// WebSocket close codes the channels use (RFC 6455 §7.4 and DESIGN §3).
public enum CloseCode: UInt16, Sendable {
    /// The user ended the channel.
    case normal = 1000
    /// The server is shutting down (reconnect).
    case goingAway = 1001
    /// A frame that breaks RFC 6455 (unmasked, a stray continuation, a bad opcode).
    case protocolError = 1002
    /// Invalid UTF-8 in a text frame.
    case invalidPayload = 1007
    /// Policy violation, e.g. persistent flooding (do not retry at once).
    case policyViolation = 1008
    /// A frame over the size limit.
    case messageTooBig = 1009
    /// The server hit an unexpected condition (reconnect).
    case internalError = 1011
    /// Service restart (reconnect).
    case serviceRestart = 1012
    /// Try again later (reconnect).
    case tryAgainLater = 1013
    /// Authentication required or failed.
    case unauthorized = 4401
    /// Authenticated but not allowed.
    case forbidden = 4403
}
