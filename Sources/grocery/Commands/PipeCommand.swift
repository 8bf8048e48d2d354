import ArgumentParser
import Foundation
import GroceryClient
import GroceryProtocol

/// `grocery pipe`: the headless client for scripts (DESIGN §2).
struct PipeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipe",
        abstract: "Headless client: queries from stdin, JSON-lines events to stdout.",
        discussion: """
            Reads one NLP query a line from standard input and writes one JSON object a
            line: state changes, results, cart, queued, delivered, errors, each with "t"
            (ms since start) and "event". At end of input it waits until every queued
            message is acknowledged, at most --drain-timeout-ms.
            A result that would change the cart but is below the confidence threshold
            (0.8) is reported as an "unsure" event and changes nothing, unless
            --apply-unsure.
            Exit codes: 0 all delivered, 1 some not delivered at the drain timeout,
            2 usage error, 3 every channel gave up.
            """
    )

    @OptionGroup var client: ClientOptions

    @Option(help: "At end of input, wait at most this long for the queue to empty, ms. (env: GROCERY_DRAIN_TIMEOUT_MS, default 30000)")
    var drainTimeoutMs: Int?

    @Flag(help: "Apply cart-changing results below the confidence threshold too (they are still reported as \"unsure\").")
    var applyUnsure = false

    func run() async throws {
        var configuration = try client.configuration()
        configuration.confirmation = applyUnsure ? Confirmation(below: nil) : Confirmation()
        let drain = try EnvironmentOption(environment: ProcessInfo.processInfo.environment)
            .value(drainTimeoutMs, "GROCERY_DRAIN_TIMEOUT_MS", default: 30_000) { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
        let core: GroceryClient
        do {
            core = try GroceryClient(configuration: configuration, clock: processClock)
        } catch {
            Output.standardError("grocery: \(error.description)\n")  // not a usage error: no usage text
            throw ExitCode.usage
        }
        let printer = PipePrinter(applyUnsure: applyUnsure)
        let outcome = await PipeSession(core: core, printer: printer, drainTimeout: .milliseconds(drain)).run()
        throw ExitCode(outcome)
    }
}
