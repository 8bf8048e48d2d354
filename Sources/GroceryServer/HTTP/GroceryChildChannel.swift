import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

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
    }

    let responder: HTTPChannelHandler.Responder
    let endpoints: [String: ChannelKind]
    let rules: UpgradeGate.Rules
    let context: ServerContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let (endpoints, context) = (self.endpoints, self.context)
        return channel.eventLoop.makeCompletedFuture {
            let asked = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
            let upgrader = NIOTypedWebSocketServerUpgrader<Upgrade>(
                maxFrameSize: context.configuration.maxFrameBytes,
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
                        try operations.addHandler(HTTPConnectionStateHandler(logger: logger))
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
            return Value(upgrade: upgrade, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgrade.get() {
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
