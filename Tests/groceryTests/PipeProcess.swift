import Foundation
import Glibc
import GroceryTestSupport
import Synchronization

/// `grocery pipe` as a real child process: lines to its stdin, JSON events from its stdout.
final class PipeProcess: Sendable {
    let process: Process
    private let input: FileHandle
    private let output = Output()

    private final class Output: Sendable {
        let lines = Mutex<[String]>([])
        let errors = Mutex("")
        let pending = Mutex("")
    }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let launch = Launch(["pipe"] + arguments, environment: environment)
        process = launch.process
        let (stdout, stderr) = (launch.stdout, launch.stderr)
        input = launch.stdin.fileHandleForWriting
        let output = self.output
        readLoop(stdout.fileHandleForReading) { data in
            let chunk = String(decoding: data, as: UTF8.self)
            let complete: [String] = output.pending.withLock { pending in
                pending += chunk
                var parts = pending.components(separatedBy: "\n")
                pending = parts.removeLast()
                return parts
            }
            output.lines.withLock { $0 += complete }
        }
        readLoop(stderr.fileHandleForReading) { data in
            let chunk = String(decoding: data, as: UTF8.self)
            output.errors.withLock { $0 += chunk }
        }
        try process.run()
    }

    /// However the test ends, the child goes with it.
    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// Writes a line to the pipe's stdin (POSIX `write`: FileHandle's traps on a child that died).
    func send(_ line: String) {
        writeAll(Array((line + "\n").utf8), to: input.fileDescriptor)
    }

    func endInput() {
        try? input.close()
    }

    /// Every event so far, decoded.
    var events: [[String: Any]] {
        output.lines.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    var standardError: String { output.errors.withLock { $0 } }

    /// Waits (real time, bounded) until an event satisfies `matches`; with `after`, only
    /// events after the first `after` count (what happened since a moment of the test).
    @discardableResult
    func waitFor(
        _ description: String, after: Int = 0, timeout: Duration = .seconds(30), _ matches: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let event = events.dropFirst(after).first(where: matches) { return event }
            if !process.isRunning, process.terminationReason == .uncaughtSignal {
                throw DiedOfSignal(signal: process.terminationStatus, report: standardError)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("no \(description) event within \(timeout); got \(output.lines.withLock { $0 }.suffix(10)); stderr \(standardError)")
    }

    func kill(_ signal: Int32) {
        Foundation.kill(process.processIdentifier, signal)
    }

    func exitStatus(within timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning { return nil }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }
}

/// A child that died of a signal it did not send itself (not our kill): its crash report
/// is kept whole, and `head` is the part worth printing.
struct DiedOfSignal: Error, CustomStringConvertible {
    var signal: Int32
    var report: String
    /// The crash line and the crashed thread's first frames.
    var head: String {
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false)
        let program = lines.firstIndex { $0.contains("Program crashed") }.map { [lines[$0]] } ?? []
        guard let thread = lines.firstIndex(where: { $0.hasPrefix("Thread") && $0.hasSuffix("crashed:") }) else {
            return (program + lines.prefix(30)).joined(separator: "\n")
        }
        return (program + lines[thread..<min(lines.count, thread + 25)]).joined(separator: "\n")
    }
    var description: String { "died of signal \(signal): \(head)" }
}

extension [String: Any] {
    var event: String? { self["event"] as? String }
}
