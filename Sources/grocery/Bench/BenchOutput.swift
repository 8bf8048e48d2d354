import ArgumentParser
import Foundation

/// A benchmark's figures, printable as one JSON object.
protocol BenchReport: Encodable {}

extension BenchReport {
    /// One line of JSON, keys sorted.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}

/// Options of the benchmarks that talk to a running server.
struct BenchServerOptions: ParsableArguments {
    @Option(help: "Walmart channel URL of a running server.")
    var url = "ws://127.0.0.1:3001/ws/walmart"

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard url.hasPrefix("ws://") else { throw ValidationError("--url must be a ws:// URL") }
    }
}
