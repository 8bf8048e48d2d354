import Foundation
import Synchronization
import GroceryTestSupport
import Testing

/// Runs the built `grocery` binary as a user would, with optional standard input.
enum GroceryProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `grocery` executable next to the test bundle in the build folder.
    static let executable: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for folder in candidates {
            let url = folder.appendingPathComponent("grocery")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("grocery")
    }()

    /// Runs the binary to completion. The waiting happens on a thread of its own: blocking
    /// one of Swift concurrency's few threads would starve the tests running beside.
    static func run(
        _ arguments: [String], stdin: Data? = nil, directory: URL? = nil, environment extra: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try runBlocking(arguments, stdin: stdin, directory: directory, environment: extra, timeout: timeout)
                })
            }.start()
        }
    }

    private static func runBlocking(
        _ arguments: [String], stdin: Data?, directory: URL?, environment extra: [String: String], timeout: Duration
    ) throws -> Outcome {
        let launch = Launch(arguments, environment: extra, directory: directory)
        let (process, input, output, errors) = (launch.process, launch.stdin, launch.stdout, launch.stderr)
        try process.run()
        // A watchdog, not a delay: a process that hangs is killed, and the test sees status 137.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + Double(timeout.components.seconds), execute: watchdog)
        defer { watchdog.cancel() }
        // Write input while output is read, so neither side can fill a pipe and stall.
        let writer = Thread {
            if let stdin { writeAll(Array(stdin), to: input.fileHandleForWriting.fileDescriptor) }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        // Both pipes at once: a child that fills one while we wait on the other would stall.
        let stderrRead = DispatchSemaphore(value: 0)
        let stderrData = Mutex(Data())
        Thread {
            stderrData.withLock { $0 = readToEnd(errors.fileHandleForReading) }
            stderrRead.signal()
        }.start()
        let stdout = readToEnd(output.fileHandleForReading)
        stderrRead.wait()  // this is a thread of its own, not one of Swift concurrency's
        let stderr = stderrData.withLock { $0 }
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A `grocery` child process with its three pipes, configured and not yet started.
struct Launch {
    let process = Process()
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()

    init(_ arguments: [String], environment extra: [String: String] = [:], directory: URL? = nil) {
        process.executableURL = GroceryProcess.executable
        process.arguments = arguments
        var environment = Self.inherited
        environment["COLUMNS"] = "80"  // help text wraps to a fixed width
        environment.merge(extra) { $1 }
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
    }
}

extension Launch {
    /// What a child takes from the test's own environment: where programs and home are,
    /// the locale, and the user (the client's default user id). Nothing else, so a
    /// developer's `GROCERY_TOKEN`, `GROCERY_*_URL`, `NO_COLOR` or `GROCERY_RECORD_GOLDEN`
    /// never changes what a test sees; a test passes what it means explicitly.
    static let inherited: [String: String] = ProcessInfo.processInfo.environment.filter { name, _ in
        ["PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR"].contains(name)
    }
}

/// Golden files of the command-line tests.
let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

