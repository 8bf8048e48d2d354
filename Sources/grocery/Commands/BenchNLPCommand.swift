import ArgumentParser
import Foundation
import GroceryNLP

/// `grocery bench nlp`: parse a fixed mixed corpus with the full catalog, one query at a time.
struct BenchNLPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlp",
        abstract: "Parse a fixed mixed corpus and print queries/s and per-query latency.",
        discussion: "Single-threaded. Build with -c release for meaningful figures."
    )

    @Option(help: "Passes over the corpus after warm-up.")
    var rounds = 200

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard rounds > 0 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        let setupStart = ContinuousClock.now
        let parser = NLPParser()
        let setup = ContinuousClock.now - setupStart
        let corpus = NLPCorpus.queries
        for query in corpus { _ = parser.parse(query) }  // warm-up

        var samples: [Duration] = []
        samples.reserveCapacity(rounds * corpus.count)
        var byQuery = [[Duration]](repeating: [], count: corpus.count)
        var unknown = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<rounds {
            for (index, query) in corpus.enumerated() {
                let before = clock.now
                let result = parser.parse(query)
                let took = clock.now - before
                samples.append(took)
                byQuery[index].append(took)
                if result.intent == .unknown { unknown += 1 }
            }
        }
        let total = clock.now - start
        let stats = LatencyStats(samples)
        // Where the tail comes from: the queries whose own median is highest.
        let slowest = corpus.indices
            .map { (text: corpus[$0], p50: LatencyStats(byQuery[$0]).percentile(50).microseconds) }
            .sorted { $0.p50 > $1.p50 }.prefix(3)
            .map { BenchNLPReport.SlowQuery(text: $0.text, p50Microseconds: $0.p50) }
        let report = BenchNLPReport(
            queries: samples.count, corpusSize: corpus.count, products: parser.catalog.products.count,
            queriesPerSecond: Double(samples.count) / total.seconds,
            p50Microseconds: stats.percentile(50).microseconds,
            p99Microseconds: stats.percentile(99).microseconds,
            maxMicroseconds: stats.percentile(100).microseconds,
            indexBuildMilliseconds: setup.seconds * 1000,
            unknownShare: Double(unknown) / Double(samples.count), slowest: Array(slowest))
        Output.standardOutput(json ? try report.json() : report.table())
    }
}

/// The figures `grocery bench nlp` prints.
struct BenchNLPReport: BenchReport {
    var queries: Int
    var corpusSize: Int
    var products: Int
    var queriesPerSecond: Double
    var p50Microseconds: Double
    var p99Microseconds: Double
    var maxMicroseconds: Double
    var indexBuildMilliseconds: Double
    var unknownShare: Double
    /// The three queries with the highest median, slowest first.
    var slowest: [SlowQuery]

    /// One query's median time.
    struct SlowQuery: Codable {
        var text: String
        var p50Microseconds: Double
    }

    func table() -> String {
        let rows: [(String, String)] = [
            ("queries parsed", "\(queries) (\(corpusSize) distinct × rounds)"),
            ("catalog products", "\(products)"),
            ("queries/s", String(format: "%.0f", queriesPerSecond)),
            ("p50 per query", String(format: "%.1f µs", p50Microseconds)),
            ("p99 per query", String(format: "%.1f µs", p99Microseconds)),
            ("max per query", String(format: "%.1f µs", maxMicroseconds)),
            ("index build", String(format: "%.1f ms", indexBuildMilliseconds)),
            ("unknown intent", String(format: "%.1f %%", unknownShare * 100)),
        ] + slowest.enumerated().map { rank, query in
            (rank == 0 ? "slowest (p50)" : "", String(format: "%.1f µs  ", query.p50Microseconds) + "\"\(query.text)\"")
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n") + "\n"
    }
}
