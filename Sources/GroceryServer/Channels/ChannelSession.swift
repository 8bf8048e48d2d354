import Foundation
import GroceryNLP
import GroceryProtocol

/// The walmart and grocery channels' conversation with one client: hello first, then
/// queries (walmart) or cart commands (grocery), ping at any time; every bad message
/// gets an `error` and the connection stays open; flooding gets `rate_limited`, and
/// a client that keeps flooding is closed with 1008.
///
/// ``handleNow(_:on:)`` answers what needs no database at once and returns the rest
/// as ``Work``, which ``perform(_:on:)`` does in a task (see ``LoopConversation``).
/// A hello is welcomed at once too: whether its session is resumed is known from
/// memory (``GroceryStore/noteSession(_:)``), and the session is written behind the
/// welcome, before any later message of the connection is handled.
struct ChannelSession: Sendable {
    /// A step that awaits the database.
    enum Work: Sendable {
        /// Writes the session down when `keep` (a new one within the quota, or a known one),
        /// and sends the grocery channel its cart.
        case record(sessionId: String, userId: String, keep: Bool)
        case apply(CartCommand, userId: String)
    }

    let kind: ChannelKind
    let context: ServerContext
    /// The token of the upgrade's `Authorization: Bearer` header, if any.
    private let bearer: String?
    private var userId: String?
    /// A hello was welcomed.
    var isIdentified: Bool { userId != nil }
    private var bucket: TokenBucket
    private var strikes = 0

    init(kind: ChannelKind, context: ServerContext, bearer: String? = nil) {
        self.kind = kind
        self.context = context
        self.bearer = bearer
        let limits = context.configuration.limits
        bucket = TokenBucket(rate: limits.messagesPerSecond, burst: limits.messageBurst, now: .now)
    }

    mutating func handleNow(_ message: InboundMessage, on connection: LiveConnection) -> Work? {
        guard case .text(let text) = message else {
            connection.send(.error(id: nil, code: .badJSON, message: "binary frames are not accepted; send JSON text"))
            return nil
        }
        let decoded: ClientMessage
        do {
            decoded = try ClientMessage.decode(Data(text.utf8))
        } catch {
            connection.send(.error(id: error.id, code: error.code, message: error.message))
            return nil
        }
        if let wait = bucket.take(now: .now) {
            strikes += 1
            // The error goes out before a closing 1008 too, so the client knows the close means "slow down".
            connection.send(.error(id: decoded.id, code: .rateLimited, message: "too many messages; retry in \(max(wait.wholeMilliseconds, 1)) ms"))
            if strikes >= context.configuration.limits.strikesBeforeClose {
                connection.close(.policyViolation, reason: "message rate limit exceeded")
            }
            return nil
        }
        strikes = 0
        switch decoded {
        case .ping(let ts):
            connection.send(.pong(ts: ts))
        case .hello(let hello):
            return welcome(hello, on: connection)
        case .nlpQuery(let id, let text) where kind == .walmart:
            guard userId != nil else { return helloFirst(id, connection) }
            connection.send(.ack(id: id))
            connection.send(.nlpResult(id: id, result: context.parser.parse(text)))
        case .cart(let command) where kind == .grocery:
            guard let userId else { return helloFirst(command.id, connection) }
            return .apply(command, userId: userId)
        default:
            connection.send(.error(id: decoded.id, code: .unknownType, message: "the \(kind.rawValue) channel does not take this message"))
        }
        return nil
    }

    /// Does a step that awaits the database; its replies go out as it goes.
    func perform(_ work: Work, on connection: LiveConnection) async {
        switch work {
        case .record(let sessionId, let userId, let keep):
            await record(sessionId: sessionId, userId: userId, keep: keep, on: connection)
        case .apply(let command, let userId):
            await apply(command, userId: userId, on: connection)
        }
    }

    private func helloFirst(_ id: String?, _ connection: LiveConnection) -> Work? {
        connection.send(.error(id: id, code: .helloRequired, message: "send hello first"))
        return nil
    }

    /// Starts (or resumes) the session and welcomes it; the database write follows.
    /// Should the server die before that write, the next hello with this session id
    /// reads `resumed: false`, which is all the client's queue resend ever assumes.
    private mutating func welcome(_ hello: ClientMessage.Hello, on connection: LiveConnection) -> Work? {
        guard UserID.isValid(hello.userId) else {
            connection.send(.error(id: nil, code: .invalidField, message: UserID.rule))
            return nil
        }
        let sessionId = hello.sessionId ?? UUID().uuidString
        guard !sessionId.isEmpty, sessionId.utf8.count <= 128 else {
            connection.send(.error(id: nil, code: .invalidField, message: "\"sessionId\" must be 1 to 128 bytes"))
            return nil
        }
        guard let user = UserAdmission.admit(token: hello.token ?? bearer, requested: hello.userId, on: connection, context: context) else {
            return nil
        }
        let resumed = context.store.isKnownSession(sessionId)
        let keep = resumed || context.sessionQuota.admit(user: user, address: connection.peer)
        if keep { _ = context.store.noteSession(sessionId) }
        userId = user
        context.registry.setUser(user, for: connection)
        connection.send(.welcome(sessionId: sessionId, resumed: resumed, heartbeatMs: context.configuration.heartbeatMs, messageRate: context.messageRate))
        return .record(sessionId: sessionId, userId: user, keep: keep)
    }

    /// Writes the session down; on the grocery channel the cart follows the welcome.
    private func record(sessionId: String, userId: String, keep: Bool, on connection: LiveConnection) async {
        do {
            if keep { try await context.store.touchSession(sessionId, userId: userId) }
            if kind == .grocery {
                CartBroadcast.sendCart(try await context.store.cart(userId: userId), on: connection)
            }
        } catch {
            context.logger.error("recording a session failed", metadata: ["error": "\(error)"])
            connection.send(.error(id: nil, code: .internalError, message: "could not start the session; send hello again"))
        }
    }

    private func apply(_ command: CartCommand, userId: String, on connection: LiveConnection) async {
        do {
            let outcome = try await context.store.apply(command, userId: userId)
            outcome.replies.forEach(connection.send)
            if outcome.changed {
                CartBroadcast.send(outcome.cart, of: userId, context: context)
            } else {
                CartBroadcast.sendCart(outcome.cart, on: connection)
            }
        } catch {
            context.logger.error("cart command failed", metadata: ["error": "\(error)"])
            connection.send(.error(id: command.id, code: .internalError, message: "the cart could not be changed; try again"))
        }
    }
}
