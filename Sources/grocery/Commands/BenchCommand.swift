import ArgumentParser

/// `grocery bench`: measurements, never tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure parts of grocery and print the figures (see docs/BENCHMARKS.md).",
        subcommands: [
            BenchNLPCommand.self, BenchLoadCommand.self, BenchIdleCommand.self, BenchHerdCommand.self, BenchHeartbeatCommand.self,
            BenchHandshakeCommand.self, BenchClientCommand.self, BenchRenderCommand.self,
        ]
    )
}
