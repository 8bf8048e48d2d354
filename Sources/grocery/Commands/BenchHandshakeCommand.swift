import ArgumentParser
import Foundation
import GroceryClient
import GroceryProtocol

/// `grocery bench handshake`: connect-to-welcome latency of the client core.
struct BenchHandshakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handshake",
        abstract: "Connect, say hello and wait for welcome, COUNT times in a row; print p50/p99.",
        discussion: "Uses the client core's own transport (TCP + WebSocket upgrade + hello/welcome)."
    )

    @Option(help: "Walmart channel URL of a running server, ws:// or wss://.")
    var url = "ws://127.0.0.1:3001/ws/walmart"

    @Option(help: "For wss://: trust only the certificates in this PEM file.")
    var caFile: String?

    @Option(help: "A token from `grocery token`, for a server with --secret-file (env: GROCERY_TOKEN).")
    var token: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Option(help: "Handshakes to time.")
    var count = 200

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
        guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else { throw ValidationError("--url must be a ws:// or wss:// URL") }
    }

    func run() async throws {
        let tls: ClientTLS
        do {
            tls = try caFile.map { try ClientTLS(caFile: $0) } ?? ClientTLS()
        } catch {
            throw ValidationError("--ca-file: \(error)")
        }
        let token = token ?? ProcessInfo.processInfo.environment["GROCERY_TOKEN"]
        let user = token.flatMap { TokenClaims(unverifiedToken: $0)?.user } ?? "bench-handshake"
        let transport = NIOWebSocketTransport(tls: tls)
        var samples: [Duration] = []
        for _ in 0..<(count + 5) {
            // A fresh session each time, as a client starting up sends.
            let hello = ClientMessage.hello(.init(sessionId: UUID().uuidString, userId: user, token: token)).encoded()
            let start = ContinuousClock.now
            let connection = try await transport.connect(to: url)
            try await connection.send(hello)
            guard case .text(let text) = await connection.receive(), text.contains("\"welcome\"") else {
                throw ValidationError("the server did not answer hello with welcome")
            }
            samples.append(ContinuousClock.now - start)
            await connection.close(code: 1000, reason: "")
        }
        let stats = LatencyStats(Array(samples.dropFirst(5)))  // the first few warm up NIO and the server
        let report: [String: Double] = [
            "count": Double(count), "p50Ms": stats.percentile(50).seconds * 1000, "p99Ms": stats.percentile(99).seconds * 1000,
            "maxMs": stats.percentile(100).seconds * 1000,
        ]
        if json {
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            Output.standardOutput(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            Output.standardOutput(String(format: "handshakes        %d\np50 connect→welcome  %.3f ms\np99 connect→welcome  %.3f ms\n", count, report["p50Ms"]!, report["p99Ms"]!))
        }
    }
}
