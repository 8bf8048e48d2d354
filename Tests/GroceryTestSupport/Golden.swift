import Foundation
import Testing

/// Compares text with a golden file; `GROCERY_RECORD_GOLDEN=1` rewrites a file that
/// differs instead, and says so as a failure: a run that recorded never passes.
public enum Golden {
    public static func check(_ actual: String, _ name: String, in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        let expected = try? String(contentsOf: url, encoding: .utf8)
        if ProcessInfo.processInfo.environment["GROCERY_RECORD_GOLDEN"] == "1", actual != expected {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); check it, then run again without GROCERY_RECORD_GOLDEN", sourceLocation: sourceLocation)
            return
        }
        guard let expected else { throw TestFailure("no golden file \(name); record it with GROCERY_RECORD_GOLDEN=1") }
        #expect(actual == expected, "differs from \(url.lastPathComponent); rerun with GROCERY_RECORD_GOLDEN=1 after checking", sourceLocation: sourceLocation)
    }
}
