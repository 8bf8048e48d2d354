import Crypto
import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP listener on 127.0.0.1 that plays a broken WebSocket server for client tests: it
/// upgrades and then goes silent, upgrades and sends chosen (possibly invalid) frames,
/// drips its upgrade response a byte at a time, or answers with a fixed HTTP response.
/// It never closes a connection itself, so the client's own timeouts and limits are what
/// end one. Counts the connections it sees and collects the text frames the client sends.
public final class HostilePeer: Sendable {
    /// What the peer does with each connection once it has read the request head.
    public enum Behavior: Sendable {
        /// Completes the upgrade with a correct `Sec-WebSocket-Accept`, then never sends
        /// anything and never closes.
        case upgradeThenSilence
        /// Completes the upgrade, sends these frames (unmasked, server to client), then
        /// stays open and silent.
        case upgradeThenFrames([Frame])
        /// Writes the upgrade response one byte every `byteInterval`, then stays open and
        /// silent.
        case dripUpgrade(byteInterval: Duration)
        /// Answers the request head with this raw HTTP response and keeps the connection
        /// open.
        case respond(String)
    }

    /// Something the peer writes after the upgrade.
    public enum Frame: Sendable {
        /// One text frame with FIN set.
        case text(String)
        /// One binary frame with FIN set.
        case binary([UInt8])
        /// These bytes exactly as they are, not framed.
        case bytes([UInt8])
        /// One text frame announcing this many payload bytes, followed by that many `a`
        /// bytes written in chunks of 64 KiB.
        case oversizeText(Int)
        /// A close frame with this code and reason.
        case close(UInt16, String)
        /// A welcome message for a fresh session, then a close frame with this code.
        case welcomeThenClose(UInt16)
    }

    /// The port the peer listens on.
    public let port: Int
    private let channel: any Channel
    private let state: SharedState

    final class SharedState: Sendable {
        struct Value {
            var opened = 0
            var closed = 0
            var maxOpenAtOnce = 0
            var received: [String] = []
            var connections: [ObjectIdentifier: any Channel] = [:]
            var stopped = false
        }
        let value = Mutex(Value())
    }

    /// TCP connections accepted so far.
    public var opened: Int { state.value.withLock { $0.opened } }
    /// TCP connections that ended so far.
    public var closed: Int { state.value.withLock { $0.closed } }
    /// TCP connections open right now.
    public var openNow: Int { state.value.withLock { $0.opened - $0.closed } }
    /// The most connections that were open at the same time.
    public var maxOpenAtOnce: Int { state.value.withLock { $0.maxOpenAtOnce } }
    /// The payloads of the text frames the client sent after the upgrade, in the order
    /// they arrived, across all connections.
    public var received: [String] { state.value.withLock { $0.received } }

    private init(port: Int, channel: any Channel, state: SharedState) {
        self.port = port
        self.channel = channel
        self.state = state
    }

    /// Starts listening on 127.0.0.1 on a port of the system's choosing.
    public static func start(_ behavior: Behavior) async throws -> HostilePeer {
        let state = SharedState()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.addHandler(Connection(behavior: behavior, state: state))
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw TestFailure("hostile peer has no port")
        }
        return HostilePeer(port: port, channel: channel, state: state)
    }

    /// Stops listening and closes every connection still open.
    public func stop() async throws {
        let connections = state.value.withLock { value in
            value.stopped = true
            return Array(value.connections.values)
        }
        try await channel.close()
        for connection in connections {
            try? await connection.close()  // it may have closed in the meantime
        }
    }

    // State touched only on the channel's event loop: NIO calls a handler's methods, and
    // runs the tasks it schedules on that loop, on that one loop only. Counts shared with
    // the peer go through `SharedState`'s mutex.
    private final class Connection: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private enum Phase {
            case head
            case frames
            case done
        }

        private let behavior: Behavior
        private let state: SharedState
        private var phase = Phase.head
        private var buffer: [UInt8] = []

        init(behavior: Behavior, state: SharedState) {
            self.behavior = behavior
            self.state = state
        }

        func channelActive(context: ChannelHandlerContext) {
            let channel = context.channel
            let stopped = state.value.withLock { value in
                value.opened += 1
                value.maxOpenAtOnce = max(value.maxOpenAtOnce, value.opened - value.closed)
                if !value.stopped { value.connections[ObjectIdentifier(channel)] = channel }
                return value.stopped
            }
            if stopped { context.close(promise: nil) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            let id = ObjectIdentifier(context.channel)
            state.value.withLock { value in
                value.closed += 1
                value.connections[id] = nil
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            buffer += unwrapInboundIn(data).readableBytesView
            switch phase {
            case .head: readHead(context: context)
            case .frames: readFrames()
            case .done: buffer.removeAll()
            }
        }

        private func readHead(context: ChannelHandlerContext) {
            guard let end = buffer.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { return }
            let head = String(decoding: buffer[..<end], as: UTF8.self)
            buffer.removeFirst(end)
            if case .respond(let response) = behavior {
                phase = .done
                buffer.removeAll()
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
                return
            }
            guard let key = Self.webSocketKey(in: head) else {
                phase = .done
                buffer.removeAll()
                let refusal = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: refusal)), promise: nil)
                return
            }
            phase = .frames
            let upgrade = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: \(Self.accept(for: key))\r\n\r\n"
            switch behavior {
            case .upgradeThenSilence, .respond:
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: upgrade)), promise: nil)
            case .upgradeThenFrames(let frames):
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: upgrade)), promise: nil)
                for frame in frames { write(frame, context: context) }
                context.flush()
            case .dripUpgrade(let interval):
                drip(Array(upgrade.utf8), from: 0, every: TimeAmount(interval), on: context.channel)
            }
            readFrames()  // bytes that came right behind the head
        }

        /// Writes `bytes[index]`, then schedules the next byte on the channel's loop.
        private func drip(_ bytes: [UInt8], from index: Int, every interval: TimeAmount, on channel: any Channel) {
            guard index < bytes.count, channel.isActive else { return }
            channel.writeAndFlush(ByteBuffer(bytes: bytes[index...index]), promise: nil)
            channel.eventLoop.scheduleTask(in: interval) {
                self.drip(bytes, from: index + 1, every: interval, on: channel)
            }
        }

        private func write(_ frame: Frame, context: ChannelHandlerContext) {
            switch frame {
            case .text(let text):
                writeFrame(opcode: 0x1, Array(text.utf8), context: context)
            case .binary(let bytes):
                writeFrame(opcode: 0x2, bytes, context: context)
            case .bytes(let bytes):
                context.write(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
            case .oversizeText(let count):
                context.write(wrapOutboundOut(ByteBuffer(bytes: Self.header(opcode: 0x1, length: count))), promise: nil)
                // Every chunk shares this one buffer's storage, so 64 KiB is all it holds.
                let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 64 * 1024)
                var remaining = count
                while remaining > 0 {
                    let length = min(remaining, chunk.readableBytes)
                    let slice = chunk.getSlice(at: chunk.readerIndex, length: length) ?? chunk
                    context.write(wrapOutboundOut(slice), promise: nil)
                    remaining -= length
                }
            case .close(let code, let reason):
                writeFrame(opcode: 0x8, [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8), context: context)
            case .welcomeThenClose(let code):
                write(.text(#"{"type":"welcome","sessionId":"x","resumed":false,"heartbeatMs":30000}"#), context: context)
                write(.close(code, ""), context: context)
            }
        }

        private func writeFrame(opcode: UInt8, _ payload: [UInt8], context: ChannelHandlerContext) {
            let frame = Self.header(opcode: opcode, length: payload.count) + payload
            context.write(wrapOutboundOut(ByteBuffer(bytes: frame)), promise: nil)
        }

        /// The header of an unmasked frame with FIN set (RFC 6455 §5.2).
        private static func header(opcode: UInt8, length: Int) -> [UInt8] {
            switch length {
            case ..<126: [0x80 | opcode, UInt8(length)]
            case ..<65536: [0x80 | opcode, 126, UInt8(length >> 8), UInt8(length & 0xFF)]
            default: [0x80 | opcode, 127] + (0..<8).reversed().map { UInt8((UInt64(length) >> UInt64($0 * 8)) & 0xFF) }
            }
        }

        /// Takes every complete client frame off the buffer, keeping the payloads of FIN
        /// text frames; a frame cut off at the end of the buffer waits for the next read.
        private func readFrames() {
            while buffer.count >= 2 {
                let fin = buffer[0] & 0x80 != 0
                let opcode = buffer[0] & 0x0F
                let masked = buffer[1] & 0x80 != 0
                var offset = 2
                var length = UInt64(buffer[1] & 0x7F)
                if length == 126 {
                    guard buffer.count >= 4 else { return }
                    length = UInt64(buffer[2]) << 8 | UInt64(buffer[3])
                    offset = 4
                } else if length == 127 {
                    guard buffer.count >= 10 else { return }
                    length = buffer[2..<10].reduce(0) { $0 << 8 | UInt64($1) }
                    offset = 10
                }
                guard length <= 1 << 40 else {  // nonsense: stop parsing this connection
                    phase = .done
                    buffer.removeAll()
                    return
                }
                let mask = masked ? 4 : 0
                let total = offset + mask + Int(length)
                guard buffer.count >= total else { return }
                if fin && opcode == 0x1 {
                    let key = Array(buffer[offset..<(offset + mask)])
                    let payload = buffer[(offset + mask)..<total].enumerated().map { item in
                        masked ? item.element ^ key[item.offset % 4] : item.element
                    }
                    let text = String(decoding: payload, as: UTF8.self)
                    state.value.withLock { $0.received.append(text) }
                }
                buffer.removeFirst(total)
            }
        }

        /// The value of the request's `Sec-WebSocket-Key` header, matched case-insensitively.
        private static func webSocketKey(in head: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                guard line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == "sec-websocket-key" else { continue }
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return nil
        }

        /// base64(SHA-1(key + the RFC 6455 GUID)).
        private static func accept(for key: String) -> String {
            let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
            return Data(digest).base64EncodedString()
        }
    }
}
