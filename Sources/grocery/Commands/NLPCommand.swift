import ArgumentParser
import Foundation
import GroceryNLP
import GroceryProtocol

/// `grocery nlp`: parse queries locally (`parse`, the default), or retrain the intent
/// classifier (`train`).
struct NLPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nlp",
        abstract: "Parse shopping queries locally, or retrain the intent classifier.",
        subcommands: [NLPParseCommand.self, NLPTrainCommand.self],
        defaultSubcommand: NLPParseCommand.self
    )
}

/// `grocery nlp [parse] [TEXT]`: parse queries locally, no server.
struct NLPParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse a shopping query locally and print what it means.",
        discussion: """
            With TEXT, parses it once. Without TEXT, reads one query a line from standard
            input and answers every line (blank ones included) with one answer, flushed
            as it is written. Uses the product catalog compiled into the binary.
            """
    )

    @Argument(help: "The query, e.g. \"add 2 gallons of milk\". Several words are joined by spaces.")
    var text: [String] = []

    @Flag(help: "Print each result as one line of JSON (the NLPResult object).")
    var json = false

    func run() throws {
        let parser = NLPParser()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let answer = { (query: String) throws -> String in
            let result = parser.parse(query)
            if json { return String(decoding: try encoder.encode(result), as: UTF8.self) + "\n" }
            return NLPSummary.render(result)
        }
        if !text.isEmpty {
            Output.standardOutput(try answer(text.joined(separator: " ")))
            return
        }
        while let line = readLine(strippingNewline: true) {
            Output.standardOutput(try answer(line))
        }
    }
}
