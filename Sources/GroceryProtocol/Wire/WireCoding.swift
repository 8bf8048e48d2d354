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

extension ClientMessage {
    private struct Envelope: Decodable {
        var type: String
        var id: String?
    }

    private struct Fields: Decodable {
        var id: String?
        var text: String?
        var sessionId: String?
        var userId: String?
        var productId: String?
        var quantity: Double?
        var ts: Double?
    }

    /// Reads a JSON text frame. Throws ``WireDecodingError`` with the code to reply with.
    public static func decode(_ data: Data) throws(WireDecodingError) -> ClientMessage {
        let decoder = JSONDecoder()
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            if (try? JSONSerialization.jsonObject(with: data)) is [String: Any] {
                throw WireDecodingError(code: .invalidField, id: nil, message: "\"type\" must be a string")
            }
            throw WireDecodingError(code: .badJSON, id: nil, message: "the frame is not a JSON object")
        }
        let fields: Fields
        do {
            fields = try decoder.decode(Fields.self, from: data)
        } catch {
            throw WireDecodingError(code: .invalidField, id: envelope.id, message: "a field has the wrong type")
        }
        func require<T>(_ value: T?, _ name: String) throws(WireDecodingError) -> T {
            guard let value else {
                throw WireDecodingError(code: .invalidField, id: envelope.id, message: "\(envelope.type) needs \"\(name)\"")
            }
            return value
        }
        func requireID() throws(WireDecodingError) -> String {
            let id = try require(fields.id, "id")
            guard !id.isEmpty, id.utf8.count <= 128 else {
                throw WireDecodingError(code: .invalidField, id: nil, message: "\"id\" must be 1 to 128 bytes")
            }
            return id
        }
        switch envelope.type {
        case "hello":
            return .hello(Hello(sessionId: fields.sessionId, userId: try require(fields.userId, "userId")))
        case "nlp.query":
            return .nlpQuery(id: try requireID(), text: try require(fields.text, "text"))
        case "ping":
            return .ping(ts: fields.ts ?? 0)
        default:
            guard let action = CartCommand.Action(rawValue: envelope.type) else {
                throw WireDecodingError(code: .unknownType, id: envelope.id, message: "unknown type \"\(envelope.type)\"")
            }
            return .cart(CartCommand(id: try requireID(), action: action, productId: fields.productId, quantity: fields.quantity))
        }
    }

    /// The JSON text of this message.
    public func encoded() -> String {
        var object: [String: Any] = [:]
        switch self {
        case .hello(let hello):
            object = ["type": "hello", "userId": hello.userId]
            if let session = hello.sessionId { object["sessionId"] = session }
        case .nlpQuery(let id, let text):
            object = ["type": "nlp.query", "id": id, "text": text]
        case .ping(let ts):
            object = ["type": "ping", "ts": ts]
        case .cart(let command):
            object = ["type": command.action.rawValue, "id": command.id]
            if let product = command.productId { object["productId"] = product }
            if let quantity = command.quantity { object["quantity"] = quantity }
        }
        return WireJSON.string(object)
    }
}

extension ServerMessage {
    /// The JSON text of this message.
    public func encoded() -> String {
        switch self {
        case .welcome(let sessionId, let resumed, let heartbeatMs):
            return WireJSON.string(["type": "welcome", "sessionId": sessionId, "resumed": resumed, "heartbeatMs": heartbeatMs])
        case .ack(let id):
            return WireJSON.string(["type": "ack", "id": id])
        case .nlpResult(let id, let result):
            return "{\"type\":\"nlp.result\",\"id\":\(WireJSON.quoted(id)),\"result\":\(WireJSON.encode(result))}"
        case .cart(let snapshot):
            var text = WireJSON.encode(snapshot)
            text.insert(contentsOf: "\"type\":\"cart\",", at: text.index(after: text.startIndex))
            return text
        case .order(let id, let orderId, let total, let itemCount):
            return WireJSON.string(["type": "order", "id": id, "orderId": orderId, "total": total, "itemCount": itemCount])
        case .pong(let ts):
            return WireJSON.string(["type": "pong", "ts": ts])
        case .error(let id, let code, let message):
            return WireJSON.string(["type": "error", "id": id ?? NSNull(), "code": code.rawValue, "message": message])
        case .reconnect(let retryAfterMs):
            return WireJSON.string(["type": "reconnect", "retryAfterMs": retryAfterMs])
        }
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
            return .welcome(sessionId: session, resumed: object["resumed"] as? Bool ?? false, heartbeatMs: object["heartbeatMs"] as? Int ?? 0)
        case "ack":
            return id.map { .ack(id: $0) }
        case "nlp.result":
            guard let id, let result = try? JSONDecoder().decode(NLPResultEnvelope.self, from: data).result else { return nil }
            return .nlpResult(id: id, result: result)
        case "cart":
            return (try? JSONDecoder().decode(CartSnapshot.self, from: data)).map { .cart($0) }
        case "order":
            guard let id, let orderId = object["orderId"] as? Int else { return nil }
            return .order(id: id, orderId: orderId, total: object["total"] as? Double ?? 0, itemCount: object["itemCount"] as? Int ?? 0)
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
}

/// JSON helpers shared by the wire types.
enum WireJSON {
    static func string(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    static func quoted(_ text: String) -> String {
        string(["s": text]).dropFirst(5).dropLast().description
    }
}
