import ArgumentParser
import Foundation

/// The `grocery` executable: a terminal grocery client, its backend and tools.
@main
struct Grocery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grocery",
        abstract: "A terminal grocery client whose connections never lose your work.",
        discussion: """
            With no subcommand it runs the terminal UI (`grocery tui`), with an embedded
            server when none is running. `grocery serve` runs the server alone,
            `grocery pipe` is the headless client for scripts.
            """,
        version: "0.1.0",
        subcommands: [TUICommand.self, ServeCommand.self, PipeCommand.self, NLPCommand.self, TokenCommand.self, BenchCommand.self],
        defaultSubcommand: TUICommand.self
    )

    /// Runs the command line, with usage errors exiting 2 (DESIGN §2) rather than 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                Output.standardError(fullMessage(for: error) + "\n")
                Foundation.exit(ExitCode.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

extension ExitCode {
    /// A usage error: bad option or argument.
    static let usage = ExitCode(2)
}
