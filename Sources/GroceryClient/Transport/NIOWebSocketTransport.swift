import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization

/// The real transport: swift-nio's WebSocket client upgrade, so that what the client
/// core needs is visible — the HTTP status and `Retry-After` of a refused upgrade
/// (403 fails at once, 429/503 waits), and an attempt that can be abandoned at any
/// point by cancellation (the core's connect timeout runs on its own clock).
/// `wss://` URLs go over TLS, verified as ``ClientTLS`` says.
public struct NIOWebSocketTransport: Transport {
    /// Largest message accepted from the server.
    public var maxMessageBytes = 1 << 20
    private let group: any EventLoopGroup
    private let tls: ClientTLS

    /// A transport on NIO's shared event loops.
    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: ClientTLS = ClientTLS()) {
        self.group = group
        self.tls = tls
    }

    private enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    public func connect(to url: String) async throws(TransportError) -> any TransportConnection {
        guard let parsed = URLComponents(string: url), let host = parsed.host, let scheme = parsed.scheme, ["ws", "wss"].contains(scheme) else {
            throw .unsupportedURL("unsupported URL \(url) (expected ws:// or wss://host:port/path)")
        }
        let secure = scheme == "wss"
        let port = parsed.port ?? (secure ? 443 : 80)
        let sslContext: NIOSSLContext?
        do {
            sslContext = secure ? try tls.sslContext() : nil
        } catch {
            throw .tls(error.message)
        }
        let path = (parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath) + (parsed.percentEncodedQuery.map { "?" + $0 } ?? "")
        let response = ResponseHead()
        let opened = OpenedChannel()
        let maxMessageBytes = self.maxMessageBytes
        do {
            return try await withTaskCancellationHandler {
                let upgrade = try await ClientBootstrap(group: group)
                    .connectTimeout(.seconds(10))
                    .connect(host: host, port: port) { channel in
                        opened.set(channel)
                        return channel.eventLoop.makeCompletedFuture {
                            if let sslContext {
                                // First in the pipeline: the HTTP upgrade and every frame go through it.
                                // An IP literal is verified against the certificate's IP names, without SNI.
                                let serverName = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
                                try channel.pipeline.syncOperations.addHandler(
                                    NIOSSLClientHandler(context: sslContext, serverHostname: serverName), position: .first)
                            }
                            return try Self.pipelineBuilding.withLock { _ in
                                try Self.configure(channel, host: host, port: port, path: path, response: response)
                            }
                        }
                    }
                switch try await upgrade.get() {
                case .websocket(let channel):
                    if Task.isCancelled {
                        try? await channel.channel.close()
                        throw TransportError.connectFailed("cancelled")
                    }
                    return NIOWebSocketConnection(channel: channel, maxMessageBytes: maxMessageBytes)
                case .refused:
                    let head = response.value
                    throw TransportError.refused(status: head?.status ?? 0, retryAfter: head?.retryAfter)
                }
            } onCancel: {
                opened.close()
            }
        } catch let error as TransportError {
            opened.close()
            throw error
        } catch {
            opened.close()
            if let reason = Self.permanentTLSFailure(error, host: host) { throw .tls(reason) }
            throw .connectFailed(Self.describe(error))
        }
    }

    /// TLS failures that retrying cannot fix; nil when it is not TLS, or may pass.
    private static func permanentTLSFailure(_ error: any Error, host: String) -> String? {
        if let error = error as? NIOSSLExtraError {
            return error == .failedToValidateHostname
                ? "TLS: the server's certificate is not for \(host) (its names do not include it)" : "TLS: \(error)"
        }
        guard let error = error as? NIOSSLError else { return nil }
        switch error {
        case .handshakeFailed(.sslError(let stack)) where stack == [.eofDuringHandshake]:
            return nil  // the peer hung up mid-handshake: perhaps restarting
        case .handshakeFailed(let inner):
            // BoringSSL says e.g. "error:…:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /path…".
            let text = "\(inner)"
            let reason = text.range(of: "OPENSSL_internal:").map { String(text[$0.upperBound...].prefix { $0.isUppercase || $0 == "_" }) }
            switch reason {
            case "CERTIFICATE_VERIFY_FAILED":
                return "TLS: the server's certificate is not trusted (self-signed? use --ca-file)"
            case "WRONG_VERSION_NUMBER":
                return "TLS: the server does not speak TLS (use ws:// for it?)"
            default:
                return "TLS handshake failed: \(reason ?? text)"
            }
        default:
            return nil
        }
    }

    /// Held while a channel's pipeline is built and wrapped. The walmart and grocery
    /// channels connect at once on two event loops, and the first pipeline each builds
    /// instantiates the same generic metadata; the Swift runtime has crashed there (SIGSEGV
    /// in `swift_conformsToProtocol` → `isCanonicalStaticallySpecializedGenericMetadata`,
    /// one start in about 700, the class of swiftlang/swift#58414). Building pipelines one
    /// at a time costs microseconds per connect.
    private static let pipelineBuilding = Mutex(())

    private static func configure(
        _ channel: any Channel, host: String, port: Int, path: String, response: ResponseHead
    ) throws -> EventLoopFuture<Upgrade> {
        let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
            maxFrameSize: 1 << 20,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try Self.pipelineBuilding.withLock { _ in
                        .websocket(try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                    }
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.close(promise: nil)
                return channel.eventLoop.makeSucceededFuture(.refused)
            })
        var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
        // Frames a server sends with its 101 response arrive in the same read; NIO drops
        // what the HTTP decoder holds after the upgrade unless told to pass it on.
        pipeline.leftOverBytesStrategy = .forwardBytes
        let result = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
        let upgradeHandler = try channel.pipeline.syncOperations.handler(type: NIOTypedHTTPClientUpgradeHandler<Upgrade>.self)
        try channel.pipeline.syncOperations.addHandler(ResponseHeadRecorder(response: response), position: .before(upgradeHandler))
        return result
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as ChannelError where error == .connectTimeout(.seconds(10)):
            "TCP connect timed out"
        case let error as ChannelError where error == .inappropriateOperationForState || error == .ioOnClosedChannel || error == .eof:
            "the server closed the connection during the WebSocket upgrade (does it want wss://?)"
        case let error as IOError:
            "cannot connect: \(error.description)"
        case let error as NIOConnectionError:
            if let io = error.connectionErrors.first?.error as? IOError, io.errnoCode == ECONNREFUSED {
                "connection refused (is the server running?)"
            } else {
                "cannot connect: \(error.dnsAAAAError ?? error.dnsAError ?? error.connectionErrors.first?.error ?? error)"
            }
        default:
            "cannot connect: \(error)"
        }
    }
}

/// The status and `Retry-After` of the upgrade response, recorded before the upgrader
/// consumes it (its "not upgrading" callback does not get the head).
final class ResponseHead: Sendable {
    struct Value: Sendable {
        var status: Int
        var retryAfter: Duration?
    }

    private let box = Mutex<Value?>(nil)
    var value: Value? { box.withLock { $0 } }
    func set(_ value: Value) { box.withLock { $0 = value } }
}

/// Reads the response head, passes it on, and leaves the pipeline, so WebSocket bytes
/// after a successful upgrade never reach it.
private final class ResponseHeadRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias InboundOut = HTTPClientResponsePart

    private let response: ResponseHead

    init(response: ResponseHead) {
        self.response = response
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            let retryAfter = head.headers.first(name: "retry-after").flatMap(Int.init).map { Duration.seconds(min(max($0, 0), 3600)) }  // at most an hour
            response.set(.init(status: Int(head.status.code), retryAfter: retryAfter))
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireChannelRead(data)
    }
}

/// The channel of an attempt in progress, so cancellation can close it.
private final class OpenedChannel: Sendable {
    private let state = Mutex<(channel: (any Channel)?, closed: Bool)>((nil, false))

    func set(_ channel: any Channel) {
        let close = state.withLock { state in
            state.channel = channel
            return state.closed
        }
        if close { channel.close(promise: nil) }
    }

    func close() {
        let channel = state.withLock { state in
            state.closed = true
            return state.channel
        }
        channel?.close(promise: nil)
    }
}
