import NIOCore
import NIOPosix
import Synchronization

/// A TCP listener on 127.0.0.1 that plays a broken or refusing server: it either never
/// answers (a silent listener) or answers every request with a fixed HTTP response.
/// Counts the connections it sees open and closed.
public final class FakePeer: Sendable {
    public enum Behavior: Sendable {
        /// Accept and say nothing.
        case silent
        /// Answer the first request with this raw HTTP response.
        case respond(String)
    }

    public let port: Int
    private let channel: any Channel
    private let counts: Counts

    final class Counts: Sendable {
        let value = Mutex<(opened: Int, closed: Int)>((0, 0))
    }

    public var opened: Int { counts.value.withLock { $0.opened } }
    public var closed: Int { counts.value.withLock { $0.closed } }

    private init(port: Int, channel: any Channel, counts: Counts) {
        self.port = port
        self.channel = channel
        self.counts = counts
    }

    public static func start(_ behavior: Behavior) async throws -> FakePeer {
        let counts = Counts()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(PeerHandler(behavior: behavior, counts: counts))
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakePeer(port: channel.localAddress?.port ?? 0, channel: channel, counts: counts)
    }

    public func stop() async throws {
        try await channel.close()
    }

    private final class PeerHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let behavior: Behavior
        let counts: Counts

        init(behavior: Behavior, counts: Counts) {
            self.behavior = behavior
            self.counts = counts
        }

        func channelActive(context: ChannelHandlerContext) {
            counts.value.withLock { $0.opened += 1 }
        }

        func channelInactive(context: ChannelHandlerContext) {
            counts.value.withLock { $0.closed += 1 }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .respond(let response) = behavior else { return }
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
        }
    }
}

/// A TCP port free right now on 127.0.0.1 (for a server that must come back on the same
/// port). Not from binding port 0: such a port is in Linux's ephemeral range (32768+),
/// where the kernel also picks the local port of every outgoing connection and of every
/// parallel test's port-0 server, so between our probe and the server's bind it could be
/// taken. Below that range only this function hands ports out, each once per process,
/// walking from a start that differs per process (two test runs at once).
public func freePort() async throws -> Int {
    for _ in 0..<200 {
        let candidate = nextPortCandidate.withLock { next in
            defer { next = 20_000 + (next - 20_000 + 1) % 12_000 }
            return next
        }
        guard let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: candidate)
            .get()
        else { continue }
        try await channel.close()
        return candidate
    }
    throw TestFailure("no free port found")
}

private let nextPortCandidate = Mutex(20_000 + Int(getpid() % 12_000))
