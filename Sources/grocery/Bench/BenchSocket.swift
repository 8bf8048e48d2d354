import Foundation
import GroceryProtocol
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A bare WebSocket client connection for benchmarks: NIO's client upgrade and one
/// handler of the caller's on the event loop — no queue, no reconnect, no task per
/// message — so the load generator costs little of the CPU it shares with the server.
enum BenchSocket {
    /// Why a connection could not be opened.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects to a `ws://` URL, puts `handler` (made on the event loop) in the
    /// pipeline once upgraded, then says hello as `userId`. (The hello goes out only
    /// after the upgrade: earlier writes would reach the upgrade handler, which drops them.)
    static func connect(
        url: String, group: any EventLoopGroup, userId: String, handler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> any Channel {
        guard let parsed = URLComponents(string: url), let host = parsed.host else { throw Failure(description: "not a ws:// URL: \(url)") }
        let port = parsed.port ?? 80
        let path = parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath
        let upgraded = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Bool>(
                        maxFrameSize: 1 << 20,
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(handler())
                                return true
                            }
                        })
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "\(host):\(port)")
                    headers.add(name: "Content-Length", value: "0")
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Bool>(
                        upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers),
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(false) })
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                    pipeline.leftOverBytesStrategy = .forwardBytes  // frames that come with the 101 (see NIOWebSocketTransport)
                    let result = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                    return result.map { (channel, $0) }
                }
            }
        let (channel, accepted) = try await upgraded.get()
        guard accepted else {
            try? await channel.close()
            throw Failure(description: "the server refused the WebSocket upgrade")
        }
        try await channel.writeAndFlush(text(ClientMessage.hello(.init(sessionId: nil, userId: userId)).encoded()))
        return channel
    }

    /// A masked text frame, as a client must send.
    static func text(_ string: String) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: string))
    }
}
