import GroceryProtocol
import NIOCore

/// Starts serving an upgraded WebSocket: registers the connection, logs one line when
/// it opens and one when it closes (channel, peer, close code, duration — never
/// message contents), and puts its handler and conversation in the pipeline.
enum WebSocketEndpoint {
    /// Call from the upgrade, on the channel's event loop.
    /// `bearer` is the token of the upgrade's `Authorization: Bearer` header, if any.
    static func start(kind: ChannelKind, uri: String, bearer: String?, channel: any Channel, context: ServerContext) throws {
        let peer = UpgradeGate.ip(channel.remoteAddress)
        let connection = context.registry.open(
            kind: kind, peer: peer, channel: channel, closeTimeout: context.configuration.deadlines.closeHandshake)
        let logger = context.logger
        logger.info("connection opened", metadata: ["channel": "\(kind.rawValue)", "peer": "\(peer)", "connection": "\(connection.id)"])
        let conversation: any Conversation =
            switch kind {
            case .walmart, .grocery:
                LoopConversation(session: ChannelSession(kind: kind, context: context, bearer: bearer), connection: connection, eventLoop: channel.eventLoop)
            case .trpc:
                AsyncConversation(session: TRPCSession(context: context, requestPath: uri, bearer: bearer), connection: connection, channel: channel)
            case .echo:
                EchoConversation(connection: connection)
            }
        let handler = WebSocketConnectionHandler(
            connection: connection, conversation: conversation,
            maxMessageBytes: kind == .echo ? EchoConversation.maxMessageBytes : context.configuration.maxFrameBytes,
            deadlines: context.configuration.deadlines
        ) { peerCode in
            context.registry.remove(connection)
            let code = connection.sentClose.map { "\($0)" } ?? peerCode.map { "peer \($0)" } ?? "dropped"
            logger.info(
                "connection closed",
                metadata: [
                    "channel": "\(kind.rawValue)", "peer": "\(peer)", "connection": "\(connection.id)", "code": "\(code)",
                    "durationMs": "\((ContinuousClock.now - connection.opened).wholeMilliseconds)",
                ])
        }
        do {
            // Kernel buffers of a fixed size, not autotuned to megabytes: what a client
            // leaves unread stops us (see the handler's back-pressure) after 256 KiB.
            let options = channel.syncOptions
            try options?.setOption(.socketOption(.so_sndbuf), value: 256 * 1024)
            try options?.setOption(.socketOption(.so_rcvbuf), value: 256 * 1024)
            try channel.pipeline.syncOperations.addHandler(handler)
        } catch {
            context.registry.remove(connection)  // never served, so never closed by the handler
            throw error
        }
    }
}
