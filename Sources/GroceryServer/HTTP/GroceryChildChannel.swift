import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import ServiceLifecycle
import Synchronization

/// One accepted TCP connection on either port: HTTP/1 for `/health` (through
/// Hummingbird's router), or — after the ``UpgradeGate`` let it through — a WebSocket
/// served on the event loop by ``WebSocketEndpoint``.
struct GroceryChildChannel: ServerChildChannel, HTTPChannelHandler {
    /// How the first request ended.
    enum Upgrade: Sendable {
        case webSocket
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// The client asked to upgrade but the handshake was malformed (400).
        case badHandshake(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    }

    /// The connection and how its first request ends.
    struct Value: ServerChildChannelValue {
        let upgrade: EventLoopFuture<Upgrade>
        let channel: any Channel
        /// Accepted while the server drains, and answered 503 at once.
        var answeredWhileDraining = false
    }

    let responder: HTTPChannelHandler.Responder
    let endpoints: [String: ChannelKind]
    let rules: UpgradeGate.Rules
    let context: ServerContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (endpoints, context) = (self.endpoints, self.context)
        return channel.eventLoop.makeCompletedFuture {
            // Over the cap: the socket is closed before anything is set up for it.
            let ip = UpgradeGate.ip(channel.remoteAddress)
            guard context.registry.beginUnanswered(ip: ip) else {
                // Not a failed setup: NIO would leave the socket open (and log the error).
                context.logger.debug("too many unanswered connections; closing", metadata: ["peer": "\(ip)"])
                channel.close(promise: nil)
                return Value(upgrade: channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel), channel: channel)
            }
            if context.registry.isDraining {
                Self.answerDraining(channel, close: context.configuration.deadlines.requestHead)
                context.registry.endUnanswered(ip: ip)
                return Value(upgrade: channel.eventLoop.makeFailedFuture(ChannelError.outputClosed), channel: channel, answeredWhileDraining: true)
            }
            let counted = NIOLoopBoundBox(true, eventLoop: channel.eventLoop)
            let answered: @Sendable () -> Void = {
                guard counted.value else { return }
                counted.value = false
                context.registry.endUnanswered(ip: ip)
            }
            channel.closeFuture.whenComplete { _ in answered() }
            let asked = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let upgrader = NIOTypedWebSocketServerUpgrader<Upgrade>(
                // The echo (a testing aid) takes Autobahn's 16 MiB frames; every other
                // endpoint's own limit is applied to the message by its handler.
                maxFrameSize: endpoints.values.contains(.echo)
                    ? max(EchoConversation.maxMessageBytes, context.configuration.maxFrameBytes) : context.configuration.maxFrameBytes,
                enableAutomaticErrorHandling: false,
                shouldUpgrade: { channel, head in
                    asked.value = true
                    return channel.eventLoop.makeSucceededFuture(endpoints[UpgradeGate.path(of: head.uri)] == nil ? nil : HTTPHeaders())
                },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture {
                        guard let kind = endpoints[UpgradeGate.path(of: head.uri)] else { throw ChannelError.inappropriateOperationForState }
                        let bearer = UserAdmission.bearerToken(head.headers.first(name: "authorization"))
                        try WebSocketEndpoint.start(kind: kind, uri: head.uri, bearer: bearer, channel: channel, context: context)
                        return .webSocket
                    }
                })
            let upgrades = NIOTypedHTTPServerUpgradeConfiguration<Upgrade>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let operations = channel.pipeline.syncOperations
                        try operations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        // A kept-alive HTTP connection gets the same deadline for each later
                        // request head: idle, or dripping one, it is closed.
                        try operations.addHandler(HTTPConnectionStateHandler(idleTimeout: context.configuration.deadlines.requestHead, logger: logger))
                        try operations.addHandler(RequestDeadline(limit: context.configuration.deadlines.requestHead))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        return asked.value ? .badHandshake(http) : .http(http)
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: upgrades)
            configuration.enablePipelining = false  // Hummingbird's NIOAsyncChannel reads one request at a time
            configuration.enableErrorHandling = false
            configuration.enableResponseHeaderValidation = false
            let operations = channel.pipeline.syncOperations
            let upgrade = try operations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            let upgradeHandler = try operations.handler(type: NIOTypedHTTPServerUpgradeHandler<Upgrade>.self)
            try operations.addHandler(UpgradeGate(rules: rules), position: .before(upgradeHandler))
            // A first request head that does not arrive in time (a slowloris, an idle
            // socket) ends the connection; once it is answered the deadline is off. Until
            // then the connection counts toward its address's cap of unanswered ones
            // (checked first thing, above).
            let headDeadline = channel.eventLoop.scheduleTask(in: TimeAmount(context.configuration.deadlines.requestHead)) {
                channel.close(promise: nil)
            }
            upgrade.whenComplete { _ in
                headDeadline.cancel()
                answered()
            }
            return Value(upgrade: upgrade, channel: channel)
        }
    }

    /// Serves the connection. A graceful shutdown closes one still before its first
    /// request is answered (TCP only, half a request head, a TLS handshake): nothing of a
    /// client's is in flight there, and nothing else would end it; one accepted while
    /// draining has its answer already (``answerDraining(_:)``). Upgraded WebSockets
    /// are the ``ShutdownDrainer``'s (`reconnect`, then 1001). When the grace period is
    /// over the task is cancelled and whatever is left is closed, so shutdown always ends.
    func handle(value: Value, logger: Logger) async {
        let channel = value.channel
        let answered = AnsweredFlag()
        if value.answeredWhileDraining { answered.set() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await serve(value, answered: answered, logger: logger)
            } onGracefulShutdown: {
                if !answered.isSet { channel.close(promise: nil) }
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// A connection accepted while draining gets its 503 with `Retry-After` at once, on
    /// the event loop, before any HTTP machinery (which the shutting-down server may no
    /// longer run): its request is not waited for. Our side then ends its output, so the
    /// client reads the answer and an end, never a reset; the socket goes when the client
    /// closes, or at `close` after.
    static func answerDraining(_ channel: any Channel, close: Duration) {
        let body = "the server is shutting down\n"
        let response = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        channel.writeAndFlush(channel.allocator.buffer(string: response)).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
        channel.eventLoop.scheduleTask(in: TimeAmount(close)) { channel.close(promise: nil) }
    }

    private func serve(_ value: Value, answered: AnsweredFlag, logger: Logger) async {
        do {
            let upgrade = try await value.upgrade.get()
            answered.set()
            switch upgrade {
            case .webSocket:
                try await value.channel.closeFuture.get()
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .badHandshake(let http):
                try await http.executeThenClose { _, outbound in
                    let head = HTTPResponse(status: .badRequest, headerFields: [.connection: "close", .contentLength: "0"])
                    try await outbound.write(contentsOf: [.head(head), .end(nil)])
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}

/// Whether a connection's first request was answered (set once, read from the shutdown handler).
private final class AnsweredFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
