import ArgumentParser
import Foundation

/// The `grocery` executable: a terminal grocery client, its backend and tools.
@main
struct Grocery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grocery",
        abstract: "A terminal grocery client whose connections never lose your work.",
        discussion: """
            Run a subcommand. `grocery nlp "add 2 gallons of milk"` shows what the
            natural-language engine understands; `grocery bench nlp` measures it.
            """,
        version: "0.1.0",
        subcommands: [ServeCommand.self, PipeCommand.self, NLPCommand.self, BenchCommand.self]
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
