import NIOCore
import NIOPosix
import Synchronization

/// A WebSocket connection written by hand, frame by frame, for input a correct library
/// refuses to produce: binary and unmasked frames, invalid UTF-8, oversize payloads.
public final class RawFrames: Sendable {
    /// A frame from the server.
    public struct Frame: Sendable {
        public var opcode: UInt8
        public var payload: [UInt8]
        public var text: String { String(decoding: payload, as: UTF8.self) }
        /// The code of a close frame.
        public var closeCode: Int? { opcode == 0x8 && payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : nil }
    }

    private let channel: any Channel
    private let reader: Reader

    private init(channel: any Channel, reader: Reader) {
        self.channel = channel
        self.reader = reader
    }

    /// Connects and completes the upgrade handshake. With `readingAfterUpgrade: false` the
    /// socket (with a small receive buffer) reads nothing more: a client that never reads;
    /// with `discardingAfterUpgrade` it reads everything and keeps none of it.
    public static func connect(
        port: Int, path: String, readingAfterUpgrade: Bool = true, discardingAfterUpgrade: Bool = false
    ) async throws -> RawFrames {
        let (stream, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
        let collector = Collector(continuation)
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(10))
        if !readingAfterUpgrade { bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: 4096) }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try await channel.writeAndFlush(ByteBuffer(string: request))
        let reader = Reader(stream: stream)
        let answered = try await withDeadline(.seconds(30), { try await reader.upTo(Array("\r\n\r\n".utf8)) }, onTimeout: {
            channel.close(promise: nil)
        })
        guard let head = answered else { throw TestFailure("no upgrade response within 30 s") }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            throw TestFailure("upgrade refused: \(String(decoding: head, as: UTF8.self))")
        }
        if !readingAfterUpgrade { try await channel.setOption(.autoRead, value: false).get() }
        if discardingAfterUpgrade { collector.discard.store(true, ordering: .relaxed) }
        return RawFrames(channel: channel, reader: reader)
    }

    /// Whether the socket takes more without queueing in this process (NIO's high-water mark).
    public var isWritable: Bool { channel.isWritable }

    /// Queues a text frame without waiting for it to reach the socket.
    public func queue(text: String) {
        channel.writeAndFlush(ByteBuffer(bytes: Self.frame(opcode: 0x1, Array(text.utf8), fin: true, masked: true)), promise: nil)
    }

    /// Sends one frame; `masked: false` breaks RFC 6455 on purpose.
    public func send(opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: Self.frame(opcode: opcode, payload, fin: fin, masked: masked)))
    }

    private static func frame(opcode: UInt8, _ payload: [UInt8], fin: Bool, masked: Bool) -> [UInt8] {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        switch payload.count {
        case ..<126: frame.append(maskBit | UInt8(payload.count))
        case ..<65536: frame += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default: frame += [maskBit | 127] + (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        if masked {
            let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
            frame += mask
            frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        } else {
            frame += payload
        }
        return frame
    }

    public func send(text: String) async throws { try await send(opcode: 0x1, Array(text.utf8)) }

    /// The next frame from the server, or nil when the connection ended. Fails (closing
    /// the socket) when nothing comes within `timeout`: a watchdog, not a speed target.
    public func next(timeout: Duration = .seconds(30)) async throws -> Frame? {
        let (reader, channel) = (self.reader, self.channel)
        let frame = try await withDeadline(timeout, { try await Self.frame(from: reader) }, onTimeout: { channel.close(promise: nil) })
        guard let frame else { throw TestFailure("no frame within \(timeout)") }
        return frame
    }

    private static func frame(from reader: Reader) async throws -> Frame? {
        guard let header = try await reader.exactly(2) else { return nil }
        var length = Int(header[1] & 0x7F)
        if length == 126 {
            guard let extended = try await reader.exactly(2) else { return nil }
            length = Int(extended[0]) << 8 | Int(extended[1])
        } else if length == 127 {
            guard let extended = try await reader.exactly(8) else { return nil }
            length = extended.reduce(0) { $0 << 8 | Int($1) }
        }
        guard let payload = try await reader.exactly(length) else { return nil }
        return Frame(opcode: header[0] & 0x0F, payload: payload)
    }

    public func close() async {
        try? await channel.close()
    }

    /// Bytes from the socket, buffered.
    private actor Reader {
        private var buffer: [UInt8] = []
        private var iterator: AsyncStream<ByteBuffer>.AsyncIterator
        private var ended = false

        init(stream: AsyncStream<ByteBuffer>) {
            iterator = stream.makeAsyncIterator()
        }

        private func fill() async throws -> Bool {
            var copy = iterator  // an actor may not call a mutating async method on its own property
            let next = ended ? nil : await copy.next(isolation: self)
            iterator = copy
            guard let chunk = next else {
                ended = true
                return false
            }
            buffer += chunk.readableBytesView
            return true
        }

        func exactly(_ count: Int) async throws -> [UInt8]? {
            while buffer.count < count { guard try await fill() else { return nil } }
            defer { buffer.removeFirst(count) }
            return Array(buffer.prefix(count))
        }

        func upTo(_ marker: [UInt8]) async throws -> [UInt8] {
            while true {
                if let range = buffer.firstRange(of: marker) {
                    defer { buffer.removeFirst(range.upperBound) }
                    return Array(buffer[..<range.upperBound])
                }
                guard try await fill() else { throw TestFailure("connection ended before \(marker)") }
            }
        }
    }
}

/// Hands every byte the socket reads to a stream; ends it when the socket closes.
private final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let continuation: AsyncStream<ByteBuffer>.Continuation
    let discard = Atomic(false)

    init(_ continuation: AsyncStream<ByteBuffer>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !discard.load(ordering: .relaxed) else { return }
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
    }
}
