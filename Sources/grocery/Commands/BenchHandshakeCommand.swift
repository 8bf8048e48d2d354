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

    @OptionGroup var target: BenchServerOptions

    @Option(help: "Handshakes to time.")
    var count = 200

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let transport = NIOWebSocketTransport()
        var samples: [Duration] = []
        for _ in 0..<(count + 5) {
            // A fresh session each time, as a client starting up sends.
            let hello = ClientMessage.hello(.init(sessionId: UUID().uuidString, userId: "bench-handshake")).encoded()
            let start = ContinuousClock.now
            let connection = try await transport.connect(to: target.url)
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
        if target.json {
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            Output.standardOutput(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            Output.standardOutput(String(format: "handshakes        %d\np50 connect→welcome  %.3f ms\np99 connect→welcome  %.3f ms\n", count, report["p50Ms"]!, report["p99Ms"]!))
        }
    }
}
