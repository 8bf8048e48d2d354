import NIOCore
import NIOPosix
import Synchronization

/// A TCP relay on 127.0.0.1 in front of a real server's port, so a test can take one
/// channel away (``stop()``: the listener and every relayed connection close, new
/// connections are refused) and bring it back on the same port (``start()``), while the
/// server itself keeps running.
public final class TCPRelay: Sendable {
    /// The port clients connect to.
    public let port: Int
    private let target: Int
    private let channels = Mutex<(listener: (any Channel)?, open: [any Channel])>((nil, []))

    private init(port: Int, target: Int) {
        self.port = port
        self.target = target
    }

    /// A relay to `target` on a port of its own.
    public static func start(to target: Int) async throws -> TCPRelay {
        let probe = try await bind(port: 0, target: target, relay: nil)
        let port = probe.localAddress?.port ?? 0
        try await probe.close()
        let relay = TCPRelay(port: port, target: target)
        try await relay.start()
        return relay
    }

    /// Listens again (after ``stop()``).
    public func start() async throws {
        let listener = try await Self.bind(port: port, target: target, relay: self)
        channels.withLock { $0.listener = listener }
    }

    /// Closes the listener and every relayed connection.
    public func stop() async {
        let (listener, open) = channels.withLock { state in
            defer { state = (nil, []) }
            return state
        }
        try? await listener?.close()
        for channel in open { try? await channel.close() }
    }

    private func track(_ both: [any Channel]) {
        channels.withLock { $0.open.removeAll { !$0.isActive }; $0.open += both }
    }

    private static func bind(port: Int, target: Int, relay: TCPRelay?) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                // The outbound connection shares the inbound one's event loop, so each
                // handler writes to its partner on the loop both live on.
                ClientBootstrap(group: inbound.eventLoop).connect(host: "127.0.0.1", port: target).flatMapThrowing { outbound in
                    try inbound.pipeline.syncOperations.addHandler(Splice(partner: outbound))
                    try outbound.pipeline.syncOperations.addHandler(Splice(partner: inbound))
                    relay?.track([inbound, outbound])
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }
}

/// Copies what one side reads to the other, and closes the other when this one closes.
private final class Splice: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let partner: any Channel

    init(partner: any Channel) { self.partner = partner }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
