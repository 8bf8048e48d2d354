import NIOCore
import NIOPosix

/// A hand-written WebSocket client for frames a correct library refuses to send
/// (invalid UTF-8 in a text frame).
public enum RawWebSocket {
    /// Upgrades, sends one masked text frame with exactly `bytes`, and returns the code
    /// of the close frame the server answers with.
    public static func closeCodeAfterText(port: Int, path: String, bytes: [UInt8]) async throws -> Int? {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(10))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        // A watchdog: a server that never closes fails the test instead of hanging it.
        let code = try await withDeadline(.seconds(30), { try await Self.exchange(bytes, path: path, on: channel) }, onTimeout: {
            channel.channel.close(promise: nil)
        })
        guard let code else { throw TestFailure("no close frame within 30 s") }
        return code
    }

    private static func exchange(_ bytes: [UInt8], path: String, on channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws -> Int? {
        try await channel.executeThenClose { inbound, outbound in
            let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            let mask: [UInt8] = [1, 2, 3, 4]
            var frame: [UInt8] = [0x81, 0x80 | UInt8(bytes.count)] + mask
            frame += bytes.enumerated().map { $0.element ^ mask[$0.offset % 4] }
            try await outbound.write(ByteBuffer(string: request))
            try await outbound.write(ByteBuffer(bytes: frame))
            var data: [UInt8] = []
            for try await chunk in inbound {
                data += chunk.readableBytesView
                guard let end = data.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound else { continue }
                var rest = Array(data[end...])
                while rest.count >= 2 {
                    let opcode = rest[0] & 0x0F
                    let length = Int(rest[1] & 0x7F)
                    guard length < 126, rest.count >= 2 + length else { break }
                    if opcode == 0x8, length >= 2 { return Int(rest[2]) << 8 | Int(rest[3]) }
                    rest.removeFirst(2 + length)
                }
            }
            return nil
        }
    }
}
