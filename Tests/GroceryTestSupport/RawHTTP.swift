import Foundation
import NIOCore
import NIOPosix

/// Sends raw HTTP/1.1 over a real TCP connection and reads the response head, for
/// statuses a WebSocket client library hides (403, 404, 429, 503) and for `/health`.
public enum RawHTTP {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
    }

    public static func upgrade(port: Int, path: String, headers: [String: String] = [:]) async throws -> Response {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        return try await send(port: port, request + "\r\n")
    }

    /// `GET path`; `from` is the source address (another loopback address, 127.0.0.2, is
    /// another client as the server counts them).
    public static func get(port: Int, path: String, from source: String? = nil) async throws -> Response {
        try await send(port: port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n", from: source)
    }

    /// Sends `request` as it is and reads one response.
    public static func send(port: Int, _ request: String, from source: String? = nil) async throws -> Response {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connectTimeout(.seconds(10))
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel = try await bootstrap
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        // A watchdog: a server that never answers fails the test instead of hanging it.
        let response = try await withDeadline(.seconds(30), { try await Self.exchange(request, on: channel) }, onTimeout: {
            channel.channel.close(promise: nil)
        })
        guard let response else { throw TestFailure("no response within 30 s to \(request.prefix(40))…") }
        return response
    }

    private static func exchange(_ request: String, on channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws -> Response {
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var received = ""
            for try await chunk in inbound {
                received += String(buffer: chunk)
                if let split = received.range(of: "\r\n\r\n") {
                    let head = received[..<split.lowerBound].split(separator: "\r\n")
                    var headers: [String: String] = [:]
                    for line in head.dropFirst() {
                        let parts = line.split(separator: ":", maxSplits: 1)
                        if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
                    }
                    let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
                    let body = String(received[split.upperBound...])
                    let length = Int(headers["content-length"] ?? "") ?? 0
                    if status == 101 || body.utf8.count >= length {
                        return Response(status: status, headers: headers, body: body)
                    }
                }
            }
            throw TestFailure("connection closed before a full response: \(received)")
        }
    }

    /// Asks again every `interval` until the answer has `status` or `limit` has passed;
    /// returns the last status seen (0 when the request itself failed).
    public static func status(
        becomes status: Int, within limit: Duration = .seconds(10), every interval: Duration = .milliseconds(50),
        _ request: () async throws -> Response
    ) async throws -> Int {
        let deadline = ContinuousClock.now + limit
        var seen = 0
        while ContinuousClock.now < deadline {
            seen = (try? await request().status) ?? 0
            if seen == status { break }
            try await Task.sleep(for: interval)
        }
        return seen
    }
}
