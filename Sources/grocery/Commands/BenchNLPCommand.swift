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
        var unknown = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<rounds {
            for query in corpus {
                let before = clock.now
                let result = parser.parse(query)
                samples.append(clock.now - before)
                if result.intent == .unknown { unknown += 1 }
            }
        }
        let total = clock.now - start
        let stats = LatencyStats(samples)
        let report = BenchNLPReport(
            queries: samples.count, corpusSize: corpus.count, products: parser.catalog.products.count,
            queriesPerSecond: Double(samples.count) / total.seconds,
            p50Microseconds: stats.percentile(50).microseconds,
            p99Microseconds: stats.percentile(99).microseconds,
            maxMicroseconds: stats.percentile(100).microseconds,
            indexBuildMilliseconds: setup.seconds * 1000,
            unknownShare: Double(unknown) / Double(samples.count))
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
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
            .joined(separator: "\n") + "\n"
    }
}
