import Foundation

/// Why a frame could not be read as a ``ClientMessage``; maps onto an `error` reply.
public struct WireDecodingError: Error, Sendable, Equatable {
    /// The code to answer with.
    public var code: ErrorCode
    /// The message's id, when it could be read.
    public var id: String?
    /// For people.
    public var message: String
}

extension CartCommand {
    /// The rules of a message id on every channel (the grocery channel's `id`, a tRPC
    /// mutation's `input.id`): 1 to 128 bytes. A bad id is refused, never replaced, so a
    /// repeated message is still recognised.
    public static func validID(_ id: String) throws(WireDecodingError) -> String {
        guard !id.isEmpty, id.utf8.count <= 128 else {
            throw WireDecodingError(code: .invalidField, id: nil, message: "\"id\" must be 1 to 128 bytes")
        }
        return id
    }

    /// A cart command from its fields as a client sent them, checked as every channel
    /// checks them (the server's cart rules check the rest: the product, the quantity).
    public static func validated(
        _ action: Action, id: String, productId: String?, quantity: Double?, unit: String?
    ) throws(WireDecodingError) -> CartCommand {
        let id = try validID(id)
        var saleUnit: SaleUnit?
        if let unit {
            guard let known = SaleUnit(rawValue: unit) else {
                throw WireDecodingError(code: .invalidField, id: id, message: "\"unit\" must be \"each\" or \"lb\"")
            }
            saleUnit = known
        }
        return CartCommand(id: id, action: action, productId: productId, quantity: quantity, unit: saleUnit)
    }
}

extension ClientMessage {
    private struct Fields: Decodable {
        var type: String
        var id: String?
        var text: String?
        var sessionId: String?
        var userId: String?
        var token: String?
        var productId: String?
        var quantity: Double?
        var unit: String?
        var ts: Double?

        /// The fields of a flat object whose values have the types above (what
        /// `JSONDecoder` would make of it), else nil.
        init?(flat members: [(key: String, value: FlatJSONScanner.Value)]) {
            var type: String?
            for (key, value) in members {
                switch (key, value) {
                case (_, .null) where key != "type": continue
                case ("type", .string(let string)): type = string
                case ("id", .string(let string)): id = string
                case ("text", .string(let string)): text = string
                case ("sessionId", .string(let string)): sessionId = string
                case ("userId", .string(let string)): userId = string
                case ("token", .string(let string)): token = string
                case ("productId", .string(let string)): productId = string
                case ("quantity", .number(let number)): quantity = number
                case ("unit", .string(let string)): unit = string
                case ("ts", .number(let number)): ts = number
                case ("type", _), ("id", _), ("text", _), ("sessionId", _), ("userId", _), ("token", _), ("productId", _), ("quantity", _),
                    ("unit", _), ("ts", _):
                    return nil
                default: continue  // JSONDecoder ignores unknown keys too
                }
            }
            guard let type else { return nil }
            self.type = type
        }
    }

    private static func fields(_ data: Data, scanning: Bool) throws -> Fields {
        let flat = scanning ? data.withUnsafeBytes { FlatJSONScanner.members(of: $0) } : nil
        if let flat, let fields = Fields(flat: flat) { return fields }
        return try JSONDecoder().decode(Fields.self, from: data)
    }

    /// Reads a JSON text frame. Throws ``WireDecodingError`` with the code to reply with.
    public static func decode(_ data: Data) throws(WireDecodingError) -> ClientMessage {
        try decode(data, scanning: true)
    }

    /// `scanning: false` skips the ``FlatJSONScanner`` fast path (tests compare the two).
    static func decode(_ data: Data, scanning: Bool) throws(WireDecodingError) -> ClientMessage {
        let fields: Fields
        do {
            fields = try Self.fields(data, scanning: scanning)
        } catch {
            // Only a failure needs the slower look at what kind of failure it was.
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw WireDecodingError(code: .badJSON, id: nil, message: "the frame is not a JSON object (or holds a number out of range)")
            }
            guard let type = object["type"] as? String else {
                throw WireDecodingError(code: .invalidField, id: nil, message: "\"type\" must be a string")
            }
            throw WireDecodingError(code: .invalidField, id: object["id"] as? String, message: "a field of \(type) has the wrong type")
        }
        let envelope = fields
        func require<T>(_ value: T?, _ name: String) throws(WireDecodingError) -> T {
            guard let value else {
                throw WireDecodingError(code: .invalidField, id: envelope.id, message: "\(envelope.type) needs \"\(name)\"")
            }
            return value
        }
        func requireID() throws(WireDecodingError) -> String {
            try CartCommand.validID(try require(fields.id, "id"))
        }
        switch envelope.type {
        case "hello":
            return .hello(Hello(sessionId: fields.sessionId, userId: try require(fields.userId, "userId"), token: fields.token))
        case "nlp.query":
            return .nlpQuery(id: try requireID(), text: try require(fields.text, "text"))
        case "ping":
            return .ping(ts: fields.ts ?? 0)
        default:
            guard let action = CartCommand.Action(rawValue: envelope.type) else {
                throw WireDecodingError(code: .unknownType, id: envelope.id, message: "unknown type \"\(envelope.type)\"")
            }
            return .cart(
                try CartCommand.validated(
                    action, id: try require(fields.id, "id"), productId: fields.productId, quantity: fields.quantity, unit: fields.unit))
        }
    }

    /// The JSON text of this message.
    public func encoded() -> String {
        var json = JSONWriter()
        json.object { json in
            switch self {
            case .hello(let hello):
                json.field("type", "hello")
                if let session = hello.sessionId { json.field("sessionId", session) }
                json.field("userId", hello.userId)
                if let token = hello.token { json.field("token", token) }
            case .nlpQuery(let id, let text):
                json.field("type", "nlp.query")
                json.field("id", id)
                json.field("text", text)
            case .ping(let ts):
                json.field("type", "ping")
                json.field("ts", ts)
            case .cart(let command):
                json.field("type", command.action.rawValue)
                json.field("id", command.id)
                if let product = command.productId { json.field("productId", product) }
                if let quantity = command.quantity { json.field("quantity", quantity) }
                if let unit = command.unit { json.field("unit", unit.rawValue) }
            }
        }
        return json.text
    }
}

extension ServerMessage {
    /// The JSON text of this message.
    public func encoded() -> String {
        String(decoding: encodedUTF8(), as: UTF8.self)
    }

    /// The JSON text of this message as UTF-8 bytes (what a WebSocket text frame carries).
    public func encodedUTF8() -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            switch self {
            case .welcome(let sessionId, let resumed, let heartbeatMs, let rate):
                json.field("type", "welcome")
                json.field("sessionId", sessionId)
                json.field("resumed", resumed)
                json.field("heartbeatMs", heartbeatMs)
                if let rate {
                    json.field("messagesPerSecond", rate.perSecond)
                    json.field("messageBurst", rate.burst)
                }
            case .ack(let id):
                json.field("type", "ack")
                json.field("id", id)
            case .nlpResult(let id, let result):
                json.field("type", "nlp.result")
                json.field("id", id)
                json.key("result")
                result.write(to: &json)
            case .cart(let snapshot):
                json.field("type", "cart")
                snapshot.writeFields(to: &json)
            case .order(let id, let receipt):
                json.field("type", "order")
                json.field("id", id)
                receipt.writeFields(to: &json)
            case .orders(let id, let receipts):
                json.field("type", "orders")
                json.field("id", id)
                json.key("orders")
                json.array(receipts) { json, receipt in json.object { receipt.writeFields(to: &$0) } }
            case .pong(let ts):
                json.field("type", "pong")
                json.field("ts", ts)
            case .error(let id, let code, let message):
                json.field("type", "error")
                json.key("id")
                if let id { json.string(id) } else { json.null() }
                json.field("code", code.rawValue)
                json.field("message", message)
            case .reconnect(let retryAfterMs):
                json.field("type", "reconnect")
                json.field("retryAfterMs", retryAfterMs)
            }
        }
        return json.bytes
    }

    /// Reads a server frame (used by clients and tests).
    public static func decode(_ data: Data) -> ServerMessage? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let type = object["type"] as? String
        else { return nil }
        let id = object["id"] as? String
        switch type {
        case "welcome":
            guard let session = object["sessionId"] as? String else { return nil }
            let rate = (object["messagesPerSecond"] as? NSNumber).map { perSecond in
                MessageRate(perSecond: perSecond.doubleValue, burst: (object["messageBurst"] as? NSNumber)?.intValue ?? 1)
            }
            return .welcome(
                sessionId: session, resumed: object["resumed"] as? Bool ?? false, heartbeatMs: object["heartbeatMs"] as? Int ?? 0, messageRate: rate)
        case "ack":
            return id.map { .ack(id: $0) }
        case "nlp.result":
            guard let id, let result = try? JSONDecoder().decode(NLPResultEnvelope.self, from: data).result else { return nil }
            return .nlpResult(id: id, result: result)
        case "cart":
            return (try? JSONDecoder().decode(CartSnapshot.self, from: data)).map { .cart($0) }
        case "order":
            guard let id, let receipt = try? JSONDecoder().decode(Receipt.self, from: data) else { return nil }
            return .order(id: id, receipt)
        case "orders":
            guard let id, let list = try? JSONDecoder().decode(OrdersEnvelope.self, from: data) else { return nil }
            return .orders(id: id, list.orders)
        case "pong":
            return .pong(ts: object["ts"] as? Double ?? 0)
        case "error":
            guard let code = (object["code"] as? String).flatMap(ErrorCode.init(rawValue:)) else { return nil }
            return .error(id: id, code: code, message: object["message"] as? String ?? "")
        case "reconnect":
            return .reconnect(retryAfterMs: object["retryAfterMs"] as? Int ?? 0)
        default:
            return nil
        }
    }

    private struct NLPResultEnvelope: Decodable {
        var result: NLPResult
    }

    private struct OrdersEnvelope: Decodable {
        var orders: [Receipt]
    }
}
