import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Checks a WebSocket upgrade request before the upgrader sees it, and answers with
/// the right HTTP status when it must not go ahead: 404 for an unknown path, 403 for
/// a browser Origin that is not allowed, 429 with `Retry-After` for a client IP over
/// its upgrade rate or connection cap, 503 with `Retry-After` while shutting down.
///
/// It sits between the HTTP decoder and the upgrade handler (Hummingbird's own refusal
/// is always 400) and takes itself out of the pipeline once it lets an upgrade through,
/// so WebSocket frames never reach it.
final class UpgradeGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    struct Rules: Sendable {
        /// Paths that accept an upgrade on this port.
        var paths: Set<String>
        var allowedOrigins: Set<String>
        var registry: ConnectionRegistry
        var logger: Logger
    }

    private let rules: Rules
    private var refusing = false

    init(rules: Rules) {
        self.rules = rules
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head) where Self.isUpgrade(head):
            if let refusal = refusal(for: head, peer: context.channel.remoteAddress) {
                refusing = true
                rules.logger.info(
                    "upgrade refused",
                    metadata: ["status": "\(refusal.status.code)", "path": "\(head.uri)", "peer": "\(Self.ip(context.channel.remoteAddress))"])
                respond(context: context, refusal)
                return
            }
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .head, .body, .end:
            if !refusing { context.fireChannelRead(data) }
        }
    }

    private struct Refusal {
        var status: HTTPResponseStatus
        var retryAfter: Duration?
        var message: String
    }

    private func refusal(for head: HTTPRequestHead, peer: SocketAddress?) -> Refusal? {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard rules.paths.contains(path) else {
            return Refusal(status: .notFound, message: "no WebSocket endpoint at \(path)")
        }
        if let origin = head.headers.first(name: "origin"), !rules.allowedOrigins.contains(origin) {
            return Refusal(status: .forbidden, message: "origin \(origin) is not allowed")
        }
        switch rules.registry.admit(ip: Self.ip(peer)) {
        case .allowed: return nil
        case .draining(let retryAfter):
            return Refusal(status: .serviceUnavailable, retryAfter: retryAfter, message: "the server is shutting down")
        case .rateLimited(let retryAfter):
            return Refusal(status: .tooManyRequests, retryAfter: retryAfter, message: "too many connection attempts")
        case .tooManyConnections:
            return Refusal(status: .tooManyRequests, retryAfter: .seconds(5), message: "too many open connections from this address")
        }
    }

    private func respond(context: ChannelHandlerContext, _ refusal: Refusal) {
        var headers = HTTPHeaders()
        let body = refusal.message + "\n"
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        if let retryAfter = refusal.retryAfter {
            // Whole seconds, rounded up, never 0 (RFC 9110 §10.2.3).
            let seconds = max(1, Int((Double(retryAfter.components.seconds) + Double(retryAfter.components.attoseconds) / 1e18).rounded(.up)))
            headers.add(name: "Retry-After", value: "\(seconds)")
        }
        let head = HTTPResponseHead(version: .http1_1, status: refusal.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    static func isUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    static func ip(_ address: SocketAddress?) -> String {
        address?.ipAddress ?? "unknown"
    }
}
