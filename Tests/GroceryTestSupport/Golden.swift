import Foundation
import Testing

/// Compares text with a golden file; `GROCERY_RECORD_GOLDEN=1` rewrites the file instead.
public enum Golden {
    public static func check(_ actual: String, _ name: String, in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["GROCERY_RECORD_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "differs from \(url.lastPathComponent); rerun with GROCERY_RECORD_GOLDEN=1 after checking", sourceLocation: sourceLocation)
    }
}
