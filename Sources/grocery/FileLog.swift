import Foundation
import Logging
import Synchronization

/// Logs appended to a file: the TUI owns the screen, so nothing else may write to it.
enum FileLog {
    static func defaultPath(environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/state")
        return (base as NSString).appendingPathComponent("grocery/grocery.log")
    }

    /// A logger writing to `path`; every other logger of the process (libraries' own
    /// included) is sent there too, so nothing but curses writes to the terminal.
    static func logger(path: String, level: Logger.Level = .info) throws -> Logger {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        handle.seekToEndOfFile()
        let sink = Sink(handle: handle)
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: sink) }
        var logger = Logger(label: "grocery")
        logger.logLevel = level
        return logger
    }

    final class Sink: Sendable {
        private let handle: Mutex<FileHandle>
        init(handle: FileHandle) { self.handle = Mutex(handle) }
        func write(_ line: String) { handle.withLock { $0.write(Data(line.utf8)) } }
    }

    struct FileLogHandler: LogHandler {
        let label: String
        let sink: Sink
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let stamp = ISO8601DateFormatter().string(from: Date())
            sink.write("\(stamp) \(event.level) \(label): \(fields.isEmpty ? "" : fields + " ")\(event.message)\n")
        }
    }
}
