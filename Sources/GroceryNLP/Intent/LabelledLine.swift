import Foundation
import GroceryProtocol

/// One line of the project's labelled sets (`Tests/GroceryNLPTests/Fixtures/*.jsonl`):
/// what a shopper typed and the intent a careful reader takes from it.
public struct LabelledLine: Sendable, Equatable {
    /// What the shopper typed.
    public var text: String
    /// What they meant.
    public var intent: Intent
    /// The set the line comes from (the file's name without `.jsonl`).
    public var set: String

    /// Creates a line.
    public init(text: String, intent: Intent, set: String) {
        self.text = text
        self.intent = intent
        self.set = set
    }

    /// A line that is not a labelled line.
    public struct ReadError: Error, CustomStringConvertible {
        /// Which line and why, for people.
        public let description: String
    }

    /// Reads a set: one JSON object a line with at least `text` and `intent` (other keys
    /// are the parser's evaluation and are ignored); blank lines are skipped.
    public static func read(jsonLines: String, set: String) throws -> [LabelledLine] {
        struct Line: Decodable {
            var text: String
            var intent: Intent
        }
        var lines: [LabelledLine] = []
        for (number, line) in jsonLines.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            do {
                let decoded = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
                lines.append(LabelledLine(text: decoded.text, intent: decoded.intent, set: set))
            } catch {
                throw ReadError(description: "\(set).jsonl line \(number + 1): not a labelled line (\(error))")
            }
        }
        return lines
    }
}
