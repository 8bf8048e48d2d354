import Foundation
import GroceryNLP
import GroceryProtocol
import Synchronization

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
    /// Set once a user is admitted; read by the connection's hello deadline (any thread).
    final class Admission: Sendable {
        private let admitted = Atomic<Bool>(false)
        var isAdmitted: Bool { admitted.load(ordering: .acquiring) }
        func admit() { admitted.store(true, ordering: .releasing) }
    }

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
    /// Whether someone is admitted: until then the connection is closed at the hello
    /// deadline like a socket without a hello, so token-less sockets cannot hold the
    /// address's connection cap.
    let admission = Admission()

    init(context: ServerContext, requestPath: String, bearer: String? = nil) {
        self.context = context
        self.bearer = bearer
        let query = URLComponents(string: requestPath)?.queryItems ?? []
        requestedUser = query.first { $0.name == "userId" }?.value.flatMap { UserID.isValid($0) ? $0 : nil }
        if context.configuration.tokens == nil {
            userId = requestedUser ?? "guest"
        } else if bearer != nil, case .user(let user) = UserAdmission.decide(signer: context.configuration.tokens, token: bearer, requested: requestedUser) {
            userId = user  // a valid token in the upgrade's header: admitted before any message
        }
        if userId != nil { admission.admit() }
        let limits = context.configuration.limits
        bucket = TokenBucket(rate: limits.messagesPerSecond, burst: limits.messageBurst, now: .now)
    }

    /// Decides who this connection is; false when it was refused (and is closing).
    private mutating func admit(token: String?, requested: String?, on connection: LiveConnection) -> Bool {
        guard let user = UserAdmission.admit(token: token, requested: requested, on: connection, context: context) else { return false }
        userId = user
        context.registry.setUser(user, for: connection)
        registered = true
        admission.admit()
        return true
    }

    mutating func handle(_ message: InboundMessage, on connection: LiveConnection) async {
        if !registered, let userId {
            context.registry.setUser(userId, for: connection)
            registered = true
        }
        guard case .text(let text) = message else {
            return connection.send(TRPCWire.error(idJSON: "null", code: .parseError, message: "tRPC frames are text", path: nil))
        }
        let frame = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        if let object = frame as? [String: Any] {
            return await handle(object, on: connection)
        }
        // tRPC's ws link sends the requests of one tick as one array (and resends what
        // is pending that way after a reconnect): each element is answered by its id.
        guard let batch = frame as? [Any] else {
            return connection.send(TRPCWire.error(idJSON: "null", code: .parseError, message: "the frame is not JSON (an object, or an array of objects)", path: nil))
        }
        if batch.isEmpty {
            connection.send(TRPCWire.error(idJSON: "null", code: .badRequest, message: "an empty batch", path: nil))
        }
        for element in batch {
            guard let object = element as? [String: Any] else {
                connection.send(TRPCWire.error(idJSON: "null", code: .badRequest, message: "a batch holds request objects", path: nil))
                continue
            }
            await handle(object, on: connection)
        }
    }

    /// One request (or `connectionParams`).
    private mutating func handle(_ object: [String: Any], on connection: LiveConnection) async {
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
            connection.endSnapshots(key: idJSON)
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
                CartBroadcast.subscriptionData(cart.json(), version: cart.version, id: idJSON, on: connection)
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

    /// A mutation's input, typed: a field of the wrong type (`"quantity": true`, an `id`
    /// that is a number) is refused, never read as something else.
    private struct MutationInput: Decodable {
        var id: String?
        var productId: String?
        var quantity: Double?
        var unit: String?
    }

    /// The cart command of a mutation, checked by the grocery channel's rules
    /// (``CartCommand/validated(_:id:productId:quantity:unit:)``). Without an `id` the
    /// mutation gets one of its own (it is then not idempotent); a bad one is refused.
    private static func mutation(_ action: CartCommand.Action, input: Any?) throws -> CartCommand {
        var fields = MutationInput()
        if let input, !(input is NSNull) {
            guard input is [String: Any], let data = try? JSONSerialization.data(withJSONObject: input) else {
                throw Failure(code: .badRequest, message: "input must be an object")
            }
            do {
                fields = try JSONDecoder().decode(MutationInput.self, from: data)
            } catch DecodingError.typeMismatch(_, let context) {
                let field = context.codingPath.first?.stringValue ?? "input"
                throw Failure(code: .badRequest, message: "\"\(field)\" has the wrong type")
            } catch {
                throw Failure(code: .badRequest, message: "the input could not be read")
            }
        }
        do {
            return try CartCommand.validated(
                action, id: fields.id ?? UUID().uuidString, productId: fields.productId, quantity: fields.quantity, unit: fields.unit)
        } catch {
            throw Failure(code: .badRequest, message: error.message)
        }
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
            let command = try Self.mutation(action, input: input)
            if action != .clear, command.productId == nil { throw Failure(code: .badRequest, message: "input needs \"productId\"") }
            let outcome = try await context.store.apply(command, userId: userId)
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
