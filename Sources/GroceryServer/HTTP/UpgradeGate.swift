import Foundation
import GroceryProtocol
import Logging
import NIOCore
import NIOHTTP1

/// Checks a WebSocket upgrade request before the upgrader sees it, and has it answered
/// with the right HTTP status when it must not go ahead: 400 (with
/// `Sec-WebSocket-Version: 13`) for a malformed handshake, 404 for an unknown path, 403 for
/// a browser Origin that is not allowed, 429 with `Retry-After` for a client IP over
/// its upgrade rate or connection cap, 503 with `Retry-After` while shutting down.
///
/// It sits between the HTTP decoder and the upgrade handler (Hummingbird's own refusal
/// is always 400) and takes itself out of the pipeline once it lets an upgrade through,
/// so WebSocket frames never reach it.
final class UpgradeGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    struct Rules: Sendable {
        /// Paths that accept an upgrade on this port.
        var paths: Set<String>
        var allowedOrigins: Set<String>
        var registry: ConnectionRegistry
        var logger: Logger
        /// Proves to ``RefusalRoute`` that a request came from the gate.
        var refusalToken: String
    }

    private let rules: Rules
    private var seenRequest = false

    init(rules: Rules) {
        self.rules = rules
    }

    /// Bytes that are not HTTP (a TLS client on a plain port, a port scanner): NIO's
    /// upgrade handler does not act on the decoder's error, so without this the
    /// connection would hang open. Answer 400 if nothing was answered yet, then close.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        rules.logger.debug("not HTTP; closing", metadata: ["peer": "\(Self.ip(context.channel.remoteAddress))", "error": "\(error)"])
        if !seenRequest, error is HTTPParserError {
            seenRequest = true
            var headers = HTTPHeaders()
            headers.add(name: "connection", value: "close")
            headers.add(name: "content-length", value: "0")
            context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        seenRequest = true
        switch part {
        case .head(let head) where Self.isUpgrade(head):
            if let refusal = refusal(for: head, channel: context.channel) {
                rules.logger.info(
                    "upgrade refused",
                    metadata: ["status": "\(refusal.status.code)", "path": "\(head.uri)", "peer": "\(Self.ip(context.channel.remoteAddress))"])
                respond(context: context, refusal, head: head)
                return
            }
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        case .head(var head):
            // Only the gate may ask for a refusal page.
            head.headers.remove(name: RefusalRoute.tokenHeader)
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body, .end:
            context.fireChannelRead(data)
        }
    }

    private struct Refusal {
        var status: HTTPResponseStatus
        var retryAfter: Duration?
        var message: String
    }

    private func refusal(for head: HTTPRequestHead, channel: any Channel) -> Refusal? {
        if let problem = Self.handshakeProblem(head) {
            return Refusal(status: .badRequest, message: problem)  // with Sec-WebSocket-Version: 13 (RFC 6455 §4.4)
        }
        let path = Self.path(of: head.uri)
        guard rules.paths.contains(path) else {
            return Refusal(status: .notFound, message: "no WebSocket endpoint at \(path)")
        }
        if let origin = head.headers.first(name: "origin"), Self.isBrowserOrigin(origin), !rules.allowedOrigins.contains(origin) {
            return Refusal(status: .forbidden, message: "origin \(origin) is not allowed")
        }
        let ip = Self.ip(channel.remoteAddress)
        switch rules.registry.admit(ip: ip) {
        case .allowed:
            let registry = rules.registry
            channel.closeFuture.whenComplete { _ in registry.release(ip: ip) }
            return nil
        case .draining(let retryAfter):
            return Refusal(status: .serviceUnavailable, retryAfter: retryAfter, message: "the server is shutting down")
        case .rateLimited(let retryAfter):
            return Refusal(status: .tooManyRequests, retryAfter: retryAfter, message: "too many connection attempts")
        case .tooManyConnections:
            return Refusal(status: .tooManyRequests, retryAfter: .seconds(5), message: "too many open connections from this address")
        }
    }

    /// Hands the refusal to the HTTP router as an ordinary request for ``RefusalRoute``,
    /// so the response goes out through Hummingbird like any other and the upgrade
    /// handler ends in its normal "not upgraded" state.
    private func respond(context: ChannelHandlerContext, _ refusal: Refusal, head: HTTPRequestHead) {
        var rewritten = head
        var query = "status=\(refusal.status.code)&reason=\(refusal.message.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        if let retryAfter = refusal.retryAfter {
            // Whole seconds, rounded up, never 0 (RFC 9110 §10.2.3).
            query += "&retryAfter=\(max(1, Int(retryAfter.seconds.rounded(.up))))"
        }
        rewritten.uri = RefusalRoute.path + "?" + query
        rewritten.headers.remove(name: "upgrade")
        rewritten.headers.replaceOrAdd(name: "connection", value: "close")
        rewritten.headers.replaceOrAdd(name: RefusalRoute.tokenHeader, value: rules.refusalToken)
        context.fireChannelRead(wrapInboundOut(.head(rewritten)))
    }

    /// Browsers send `http(s)://…` or `null`; native WebSocket clients send none, or
    /// (swift-websocket's client) `ws://host`, which no browser page can claim.
    static func isBrowserOrigin(_ origin: String) -> Bool {
        let lowered = origin.lowercased()
        return !(lowered.hasPrefix("ws://") || lowered.hasPrefix("wss://"))
    }

    /// What is wrong with a WebSocket handshake (RFC 6455 §4.2.1), or nil: version 13,
    /// and a key that is 16 bytes in base64. NIO's upgrader would drop such a request
    /// without a word.
    static func handshakeProblem(_ head: HTTPRequestHead) -> String? {
        let versions = head.headers[canonicalForm: "sec-websocket-version"]
        guard versions.count == 1, versions[0] == "13" else { return "unsupported Sec-WebSocket-Version (this server speaks 13)" }
        let keys = head.headers[canonicalForm: "sec-websocket-key"]
        guard keys.count == 1, Data(base64Encoded: String(keys[0]))?.count == 16 else {
            return "missing or malformed Sec-WebSocket-Key"
        }
        return nil
    }

    static func isUpgrade(_ head: HTTPRequestHead) -> Bool {
        head.headers[canonicalForm: "upgrade"].contains { $0.lowercased() == "websocket" }
    }

    /// The path of a request target, without its query.
    static func path(of uri: String) -> String {
        uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
    }

    static func ip(_ address: SocketAddress?) -> String {
        address?.ipAddress ?? "unknown"
    }
}
