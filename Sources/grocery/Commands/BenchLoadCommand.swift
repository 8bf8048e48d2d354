import ArgumentParser
import Foundation
import GroceryProtocol
import Logging
import Synchronization
import WSClient

/// `grocery bench load`: N walmart-channel connections, each sending M queries one at a time.
struct BenchLoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Open N connections to a walmart channel; each sends M nlp.query and awaits each nlp.result.",
        discussion: """
            Prints round trips per second and p50/p99 latency of a round trip. Start the
            server with --messages-per-second 0, or its per-connection limit is what you measure.
            """
    )

    @OptionGroup var target: BenchServerOptions

    @Option(help: "Concurrent connections.")
    var connections = 100

    @Option(help: "Queries per connection.")
    var messages = 200

    func validate() throws {
        guard connections > 0, messages > 0 else { throw ValidationError("--connections and --messages must be at least 1") }
    }

    func run() async throws {
        let queries = NLPCorpus.queries.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let logger = Self.quietLogger()
        let clock = ContinuousClock()
        let start = clock.now
        let (url, messages) = (target.url, self.messages)
        let results = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for connection in 0..<connections {
                group.addTask {
                    try await Self.client(url: url, number: connection, messages: messages, queries: queries, logger: logger)
                }
            }
            var all: [Duration] = []
            for try await samples in group { all += samples }
            return all
        }
        let elapsed = clock.now - start
        let stats = LatencyStats(results)
        let report = BenchLoadReport(
            connections: connections, messages: results.count,
            messagesPerSecond: Double(results.count) / elapsed.seconds,
            p50Ms: stats.percentile(50).seconds * 1000, p99Ms: stats.percentile(99).seconds * 1000,
            seconds: elapsed.seconds)
        Output.standardOutput(target.json ? try report.json() : report.table())
        if results.count < connections * messages { throw ExitCode.failure }
    }

    private static func quietLogger() -> Logger {
        var logger = Logger(label: "grocery.bench")
        logger.logLevel = .critical
        return logger
    }

    /// One connection: hello, then `messages` queries, each timed from send to its nlp.result.
    static func client(url: String, number: Int, messages: Int, queries: [String], logger: Logger) async throws -> [Duration] {
        let samples = Mutex<[Duration]>([])
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: logger) { inbound, outbound, _ in
            var frames = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            try await outbound.write(.text(ClientMessage.hello(.init(sessionId: nil, userId: "bench-\(number)")).encoded()))
            _ = try await frames.next()
            for index in 0..<messages {
                let id = "\(number)-\(index)"
                let sent = ContinuousClock.now
                try await outbound.write(.text(ClientMessage.nlpQuery(id: id, text: queries[(number + index) % queries.count]).encoded()))
                while let frame = try await frames.next() {
                    guard case .text(let text) = frame else { continue }
                    if text.contains("\"nlp.result\""), text.contains("\"\(id)\"") { break }
                    if text.contains("\"error\"") { throw ValidationError("server refused a query: \(text)") }
                }
                let elapsed = ContinuousClock.now - sent
                samples.withLock { $0.append(elapsed) }
            }
            try await outbound.close(.normalClosure, reason: nil)
        }
        return samples.withLock { $0 }
    }
}

/// The figures `grocery bench load` prints.
struct BenchLoadReport: BenchReport {
    var connections: Int
    var messages: Int
    var messagesPerSecond: Double
    var p50Ms: Double
    var p99Ms: Double
    var seconds: Double

    func table() -> String {
        """
        connections        \(connections)
        round trips        \(messages) in \(String(format: "%.2f", seconds)) s
        round trips/s      \(String(format: "%.0f", messagesPerSecond))
        p50 round trip     \(String(format: "%.3f", p50Ms)) ms
        p99 round trip     \(String(format: "%.3f", p99Ms)) ms

        """
    }
}
