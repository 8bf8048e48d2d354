import Testing

@testable import GroceryTUI

/// An environment and whether a colour terminal then draws in colour.
struct ColorCase: Sendable, CustomTestStringConvertible {
    var environment: [String: String]
    var colour: Bool
    var testDescription: String {
        environment.isEmpty ? "no NO_COLOR" : environment.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: " ")
    }

    static let all = [
        ColorCase(environment: ["NO_COLOR": "1"], colour: false),
        ColorCase(environment: ["NO_COLOR": "0"], colour: false),  // any non-empty value, even "0"
        ColorCase(environment: ["NO_COLOR": ""], colour: true),  // set but empty does not turn colour off
        ColorCase(environment: [:], colour: true),
        ColorCase(environment: ["TERM": "xterm-256color"], colour: true),
    ]
}

@Suite("terminal: colour or monochrome")
struct TerminalColorTests {
    @Test("NO_COLOR with a value turns colour off; set empty or not set, a colour terminal draws in colour (no-color.org)", arguments: ColorCase.all)
    func noColor(_ example: ColorCase) {
        #expect(GroceryTUI.Terminal.usesColor(environment: example.environment, terminalHasColors: true) == example.colour)
    }

    @Test("a terminal without colours is monochrome whatever NO_COLOR says", arguments: ColorCase.all)
    func terminalWithoutColours(_ example: ColorCase) {
        #expect(!GroceryTUI.Terminal.usesColor(environment: example.environment, terminalHasColors: false))
    }
}
