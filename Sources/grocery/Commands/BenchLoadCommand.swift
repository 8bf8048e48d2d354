import ArgumentParser
import Foundation
import GroceryProtocol
import NIOCore
import NIOPosix

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

    @Option(help: "Event loop threads of the load generator (it shares the machine with the server).")
    var threads = 1

    func run() async throws {
        let queries = NLPCorpus.queries.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(threads, 1))
        let clock = ContinuousClock()
        let start = clock.now
        let (url, messages) = (target.url, self.messages)
        let results = try await withThrowingTaskGroup(of: [Duration].self) { tasks in
            for number in 0..<connections {
                tasks.addTask {
                    let done = group.any().makePromise(of: [Duration].self)
                    let channel = try await BenchSocket.connect(url: url, group: group, userId: "bench-\(number)") {
                        LoadConnection(number: number, messages: messages, queries: queries, done: done)
                    }
                    do {
                        return try await done.futureResult.get()
                    } catch {
                        try? await channel.close()
                        throw error
                    }
                }
            }
            var all: [Duration] = []
            for try await samples in tasks { all += samples }
            return all
        }
        let elapsed = clock.now - start
        try await group.shutdownGracefully()
        let stats = LatencyStats(results)
        let report = BenchLoadReport(
            connections: connections, messages: results.count,
            messagesPerSecond: Double(results.count) / elapsed.seconds,
            p50Ms: stats.percentile(50).seconds * 1000, p99Ms: stats.percentile(99).seconds * 1000,
            seconds: elapsed.seconds)
        Output.standardOutput(target.json ? try report.json() : report.table())
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
