import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on 127.0.0.1 that counts the bytes going each way, so a benchmark can
/// see what a connection puts on the wire (WebSocket frames; TCP/IP headers not counted).
final class CountingProxy: Sendable {
    /// Bytes from the client to the server, and back.
    let up = Atomic<Int>(0)
    let down = Atomic<Int>(0)
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let listener = Mutex<(any Channel)?>(nil)

    /// Starts relaying to `host:port`; returns the port to connect to instead.
    func start(to host: String, port: Int) async throws -> Int {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { [self] inbound in
                ClientBootstrap(group: inbound.eventLoop).connect(host: host, port: port).flatMapThrowing { outbound in
                    try inbound.pipeline.syncOperations.addHandler(Relay(to: outbound) { self.up.add($0, ordering: .relaxed) })
                    try outbound.pipeline.syncOperations.addHandler(Relay(to: inbound) { self.down.add($0, ordering: .relaxed) })
                    inbound.setOption(.autoRead, value: true).whenFailure { _ in }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        listener.withLock { $0 = channel }
        return channel.localAddress?.port ?? 0
    }

    func stop() async throws {
        try await listener.withLock { $0 }?.close()
        try await group.shutdownGracefully()
    }
}

/// Passes what one side reads to the other, counting it; a close on one side closes both.
private final class Relay: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let partner: any Channel
    private let count: (Int) -> Void

    init(to partner: any Channel, count: @escaping (Int) -> Void) {
        self.partner = partner
        self.count = count
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        count(bytes.readableBytes)
        partner.writeAndFlush(bytes, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }
}
