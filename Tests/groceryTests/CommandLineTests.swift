import Foundation
import GroceryTestSupport
import Testing

@Suite("grocery command line", .timed)
struct CommandLineTests {
    @Test("grocery --help lists the subcommands")
    func rootHelp() async throws {
        let outcome = try await GroceryProcess.run(["--help"])
        #expect(outcome.status == 0)
        try Golden.check(outcome.stdout, "grocery-help.txt", in: goldenFolder)
    }

    @Test("grocery (the TUI) without a terminal says so and points at grocery pipe")
    func notATerminal() async throws {
        let outcome = try await GroceryProcess.run([])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("must be a terminal") && outcome.stderr.contains("grocery pipe"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test("an unknown option is a usage error with exit code 2")
    func usageError() async throws {
        let outcome = try await GroceryProcess.run(["nlp", "--bogus"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--bogus"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test(
        "a flag is refused exactly where its variable is: one declaration per option",
        arguments: [
            (["pipe", "--heartbeat-ms", "0"], "GROCERY_HEARTBEAT_MS", "0", "--heartbeat-ms"),
            (["pipe", "--max-attempts", "-1"], "GROCERY_MAX_ATTEMPTS", "-1", "--max-attempts"),
            (["pipe", "--jitter", "2"], "GROCERY_JITTER", "2", "--jitter"),
            (["serve", "--shutdown-grace", "-1"], "GROCERY_SHUTDOWN_GRACE", "-1", "--shutdown-grace"),
            (["serve", "--walmart-port", "70000"], "GROCERY_WALMART_PORT", "70000", "--walmart-port"),
        ])
    func flagValidation(_ flag: [String], _ variable: String, _ value: String, _ name: String) async throws {
        // Were the value accepted, serve would listen: on free ports, stopped by the watchdog.
        let base = flag[0] == "serve" ? ["serve", "--db", ":memory:", "--grocery-port", "0"] : [flag[0], "--queue-file", PipeCommandTests.scratch().appendingPathComponent("q.json").path]
        let byFlag = try await GroceryProcess.run(base + flag.dropFirst(), stdin: Data(), timeout: .seconds(20))
        #expect(byFlag.status == 2, "\(flag): \(byFlag.stderr)")
        #expect(byFlag.stderr.contains(name), "\(flag): \(byFlag.stderr)")
        let byVariable = try await GroceryProcess.run(base, stdin: Data(), environment: [variable: value], timeout: .seconds(20))
        #expect(byVariable.status == 2, "\(variable)=\(value): \(byVariable.stderr)")
        #expect(byVariable.stderr.contains(variable), "\(variable): \(byVariable.stderr)")
    }

    @Suite("grocery nlp")
    struct NLP {
        @Test("--json prints one NLPResult line")
        func json() async throws {
            let outcome = try await GroceryProcess.run(["nlp", "--json", "add 2 gallons of milk"])
            #expect(outcome.status == 0)
            try Golden.check(outcome.stdout, "nlp-json-milk.txt", in: goldenFolder)
        }

        @Test("without --json it prints a readable summary")
        func summary() async throws {
            let outcome = try await GroceryProcess.run(["nlp", "add 4 limes, a bag of rice and 2 cans of tuna under $5"])
            #expect(outcome.status == 0)
            try Golden.check(outcome.stdout, "nlp-summary-limes.txt", in: goldenFolder)
        }

        @Test("stdin: one JSON line per input line, blank and broken lines included")
        func lines() async throws {
            var input = Data("add milk\n\nhow much are bananas\n".utf8)
            input.append(contentsOf: [0x61, 0x64, 0x64, 0x20, 0xFF, 0xFE, 0x0A])  // invalid UTF-8
            input.append(Data((String(repeating: "x", count: 100_000) + "\nclear my cart").utf8))  // no final newline
            let outcome = try await GroceryProcess.run(["nlp", "--json"], stdin: input)
            #expect(outcome.status == 0)
            let lines = outcome.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            try #require(lines.count == 6)
            let objects = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            #expect(objects.map { $0["intent"] as? String } == ["add", "unknown", "price", "add", "unknown", "clear"])
            #expect((objects[1]["error"] as? [String: Any])?["code"] as? String == "empty_query")
            #expect((objects[3]["error"] as? [String: Any])?["code"] as? String == "missing_item")
            #expect((objects[3]["text"] as? String)?.hasPrefix("add \u{FFFD}") == true)
            #expect((objects[4]["error"] as? [String: Any])?["code"] as? String == "too_long")
        }

        @Test("works from any directory: the catalog is inside the binary")
        func anyDirectory() async throws {
            let outcome = try await GroceryProcess.run(["nlp", "--json", "bananas"], directory: FileManager.default.temporaryDirectory)
            #expect(outcome.status == 0)
            #expect(outcome.stdout.contains(#""id":"banana""#))
        }
    }

    @Suite("grocery bench nlp")
    struct Bench {
        @Test("--json reports throughput and latency fields (figures are not asserted)")
        func json() async throws {
            let outcome = try await GroceryProcess.run(["bench", "nlp", "--rounds", "1", "--json"])
            #expect(outcome.status == 0)
            let object = try #require(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
            for key in ["queriesPerSecond", "p50Microseconds", "p99Microseconds", "queries", "products"] {
                #expect(object[key] is NSNumber, "\(key)")
            }
            #expect((object["queries"] as? Int ?? 0) > 50)
        }

        @Test("--rounds 0 is a usage error")
        func badRounds() async throws {
            #expect(try await GroceryProcess.run(["bench", "nlp", "--rounds", "0"]).status == 2)
        }
    }
}
