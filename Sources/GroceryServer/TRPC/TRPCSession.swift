import Foundation
import GroceryNLP
import GroceryProtocol

/// One tRPC WebSocket client: queries `nlp.parse`, `products.search`, `cart.get`;
/// mutations `cart.add`, `cart.remove`, `cart.clear`; the subscription `cart.onChange`.
///
/// The user is taken from tRPC 11 `connectionParams` (`{"userId":…}`), else the
/// upgrade URL's `?userId=`, else `"guest"`. A server with a secret wants a token
/// instead, in `connectionParams` (`{"token":…}`) or the upgrade's `Authorization:
/// Bearer` header; a `userId` given as well must be the token's user. Without a valid
/// token the first request closes the connection with 4401 (4403 for another user's).
/// Mutation inputs may carry an `id` to make them idempotent, as on the grocery channel.
struct TRPCSession: Sendable {
    /// `cart.onChange` subscriptions one connection may hold.
    static let maxSubscriptions = 16

    let context: ServerContext
    /// Whose cart; nil until a token admits someone.
    private var userId: String?
    /// `?userId=` of the upgrade URL.
    private let requestedUser: String?
    private let bearer: String?
    private var subscriptions: [String] = []
    private var bucket: TokenBucket
    private var registered = false

    init(context: ServerContext, requestPath: String, bearer: String? = nil) {
        self.context = context
        self.bearer = bearer
        let query = URLComponents(string: requestPath)?.queryItems ?? []
        requestedUser = query.first { $0.name == "userId" }?.value.flatMap { UserID.isValid($0) ? $0 : nil }
        if context.configuration.tokens == nil {
            userId = requestedUser ?? "guest"
        }
        let limits = context.configuration.limits
        bucket = TokenBucket(rate: limits.messagesPerSecond, burst: limits.messageBurst, now: .now)
    }

    /// Decides who this connection is; false when it was refused (and is closing).
    private mutating func admit(token: String?, requested: String?, on connection: LiveConnection) -> Bool {
        guard let user = UserAdmission.admit(token: token, requested: requested, on: connection, context: context) else { return false }
        userId = user
        context.registry.setUser(user, for: connection)
        registered = true
        return true
    }

    mutating func handle(_ message: InboundMessage, on connection: LiveConnection) async {
        if !registered, let userId {
            context.registry.setUser(userId, for: connection)
            registered = true
        }
        guard case .text(let text) = message,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else {
            connection.send(TRPCWire.error(idJSON: "null", code: .parseError, message: "the frame is not a JSON object", path: nil))
            return
        }
        let idJSON = object["id"].map(TRPCWire.serialize) ?? "null"
        guard let method = object["method"] as? String else {
            return connection.send(TRPCWire.error(idJSON: idJSON, code: .badRequest, message: "\"method\" is missing", path: nil))
        }
        if bucket.take(now: .now) != nil {
            return connection.send(TRPCWire.error(idJSON: idJSON, code: .tooManyRequests, message: "too many messages", path: nil))
        }
        if method == "connectionParams" {
            let data = object["data"] as? [String: Any] ?? [:]
            let requested = data["userId"] as? String
            if let requested, !UserID.isValid(requested) {
                return connection.send(TRPCWire.error(idJSON: idJSON, code: .badRequest, message: UserID.rule, path: nil))
            }
            _ = admit(token: data["token"] as? String ?? bearer, requested: requested ?? requestedUser, on: connection)
            return
        }
        if userId == nil, !admit(token: bearer, requested: requestedUser, on: connection) { return }
        guard let userId else { return }
        let params = object["params"] as? [String: Any] ?? [:]
        let path = params["path"] as? String
        switch method {
        case "subscription.stop":
            subscriptions.removeAll { $0 == idJSON }
            context.registry.setCartSubscriptions(subscriptions, for: connection)
            connection.send(TRPCWire.result(idJSON: idJSON, type: "stopped"))
        case "subscription":
            guard path == "cart.onChange" else {
                return connection.send(TRPCWire.error(idJSON: idJSON, code: .notFound, message: "no subscription \"\(path ?? "")\"", path: path))
            }
            // One per id, and a few per connection: each is a copy of every cart change.
            guard !subscriptions.contains(idJSON) else {
                return connection.send(TRPCWire.error(idJSON: idJSON, code: .badRequest, message: "subscription \(idJSON) is already running", path: path))
            }
            guard subscriptions.count < Self.maxSubscriptions else {
                return connection.send(TRPCWire.error(idJSON: idJSON, code: .tooManyRequests, message: "at most \(Self.maxSubscriptions) subscriptions per connection", path: path))
            }
            subscriptions.append(idJSON)
            context.registry.setCartSubscriptions(subscriptions, for: connection)
            connection.send(TRPCWire.result(idJSON: idJSON, type: "started"))
            if let cart = try? await context.store.cart(userId: userId) {
                CartBroadcast.subscriptionData(cart, id: idJSON, on: connection)
            }
        case "query", "mutation":
            guard let path else {
                return connection.send(TRPCWire.error(idJSON: idJSON, code: .badRequest, message: "\"params.path\" is missing", path: nil))
            }
            let input = Self.unwrap(params["input"])
            do {
                let data = try await call(path, kind: method, input: input, userId: userId)
                connection.send(TRPCWire.result(idJSON: idJSON, type: "data", dataJSON: data))
            } catch let failure as Failure {
                connection.send(TRPCWire.error(idJSON: idJSON, code: failure.code, message: failure.message, path: path))
            } catch {
                context.logger.error("tRPC call failed", metadata: ["path": "\(path)", "error": "\(error)"])
                connection.send(TRPCWire.error(idJSON: idJSON, code: .internalServerError, message: "internal error", path: path))
            }
        default:
            connection.send(TRPCWire.error(idJSON: idJSON, code: .methodNotSupported, message: "unknown method \"\(method)\"", path: path))
        }
    }

    private struct Failure: Error {
        var code: TRPCWire.ErrorCode
        var message: String
    }

    /// tRPC clients with a transformer send `{"json": input}`.
    private static func unwrap(_ input: Any?) -> Any? {
        if let object = input as? [String: Any], object.count == 1, let inner = object["json"] { return inner }
        return input
    }

    private func call(_ path: String, kind: String, input: Any?, userId: String) async throws -> String {
        let fields = input as? [String: Any] ?? [:]
        func text(_ key: String) throws -> String {
            if let string = input as? String { return string }
            guard let value = fields[key] as? String else { throw Failure(code: .badRequest, message: "input needs \"\(key)\"") }
            return value
        }
        let procedures: [String: String] = [
            "nlp.parse": "query", "products.search": "query", "cart.get": "query",
            "cart.add": "mutation", "cart.remove": "mutation", "cart.clear": "mutation",
        ]
        guard let expected = procedures[path] else { throw Failure(code: .notFound, message: "no procedure \"\(path)\"") }
        guard expected == kind else { throw Failure(code: .methodNotSupported, message: "\"\(path)\" is a \(expected)") }
        switch path {
        case "nlp.parse":
            let query = try text("text")
            guard query.count <= NLPResult.maxTextLength else { throw Failure(code: .badRequest, message: "text is too long") }
            return TRPCWire.json(context.parser.parse(query))
        case "products.search":
            let limit = min(max(fields["limit"] as? Int ?? 10, 1), 50)
            return TRPCWire.json(context.parser.searchProducts(try text("query"), limit: limit))
        case "cart.get":
            return TRPCWire.json(try await context.store.cart(userId: userId))
        default:
            let action: CartCommand.Action = path == "cart.add" ? .add : path == "cart.remove" ? .remove : .clear
            let productId = fields["productId"] as? String
            if action != .clear, productId == nil { throw Failure(code: .badRequest, message: "input needs \"productId\"") }
            let id = (fields["id"] as? String).flatMap { (1...128).contains($0.utf8.count) ? $0 : nil } ?? UUID().uuidString
            // A quantity that is there must be a number: "1" is not "the whole line".
            let quantity: Double? = try fields["quantity"].flatMap { value in
                if value is NSNull { return nil }
                guard let number = value as? NSNumber else {
                    throw Failure(code: .badRequest, message: "\"quantity\" must be a number")
                }
                return number.doubleValue
            }
            let unit = try fields["unit"].flatMap { value -> SaleUnit? in
                if value is NSNull { return nil }
                guard let unit = (value as? String).flatMap(SaleUnit.init(rawValue:)) else {
                    throw Failure(code: .badRequest, message: "\"unit\" must be \"each\" or \"lb\"")
                }
                return unit
            }
            let outcome = try await context.store.apply(
                CartCommand(id: id, action: action, productId: productId, quantity: quantity, unit: unit), userId: userId)
            if let reply = outcome.replies.first, let message = ServerMessage.decode(Data(reply.utf8)),
                case .error(_, let code, let text) = message
            {
                throw Failure(code: code == .notFound ? .notFound : .badRequest, message: text)
            }
            if outcome.changed { CartBroadcast.send(outcome.cart, of: userId, context: context) }
            return TRPCWire.json(outcome.cart)
        }
    }
}
