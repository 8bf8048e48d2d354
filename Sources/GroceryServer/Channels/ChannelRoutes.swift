import HTTPTypes
import HummingbirdWebSocket

/// Picks the session type for an upgraded connection.
enum ChannelRoutes {
    static func serve(
        kind: ChannelKind, peer: String, request: HTTPRequest, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        context: ServerContext
    ) async throws {
        switch kind {
        case .walmart, .grocery:
            try await ConnectionLoop.run(
                kind: kind, peer: peer, inbound: inbound, outbound: outbound, context: context,
                session: ChannelSession(kind: kind, context: context))
        case .trpc:
            try await ConnectionLoop.run(
                kind: kind, peer: peer, inbound: inbound, outbound: outbound, context: context,
                session: TRPCSession(context: context, requestPath: request.path ?? ""))
        }
    }
}
