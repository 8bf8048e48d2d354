import Foundation
import GroceryTestSupport
import Synchronization

/// How to start a python 3 that can import `websockets`: the interpreter, and the whole
/// environment to give it (nothing else of ours reaches the child).
struct PythonCommand: Sendable {
    /// The python3 to start.
    var executable: URL
    /// All of its environment: PATH, HOME and LANG.
    var environment: [String: String]
}

/// The python that runs the conformance tests' peer, made on first use so that `swift test`
/// needs nothing but python3: a virtual environment in `.build/test-python/venv` with
/// `websockets` from PyPI. (Debian and Ubuntu need python3-venv for it; `.ci/run` installs it.)
///
/// Made once per process; two test runs at once take turns on a file lock. A finished
/// environment gets a `.complete` file last, so one that was killed half made is made again.
/// Every child process has a deadline, and waiting for one never blocks a thread of Swift
/// concurrency.
enum PythonEnvironment {
    /// A python 3 that can import `websockets.asyncio.server`. The first call checks, and
    /// if need be makes, the environment (the first run needs network access to PyPI); every
    /// later call, concurrent ones too, gets the same outcome, a failure included. Cancelling
    /// a caller cancels the setup, children killed, for every caller waiting on it; the next
    /// call starts it again.
    static func interpreter() async throws -> PythonCommand {
        let task = setup.withLock { setup in
            if let setup { return setup }
            let task = Task { try await prepare() }
            setup = task
            return task
        }
        do {
            return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        } catch is CancellationError {
            setup.withLock { if $0 == task { $0 = nil } }
            throw CancellationError()
        }
    }

    private static let setup = Mutex<Task<PythonCommand, any Error>?>(nil)

    /// `<package>/.build/test-python`; this file is Tests/GroceryClientTests/Support/PythonEnvironment.swift.
    private static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // GroceryClientTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the package
        .appendingPathComponent(".build/test-python")
    private static let venv = folder.appendingPathComponent("venv")
    private static let venvPython = venv.appendingPathComponent("bin/python3")
    /// Written last into `venv`.
    private static let complete = ".complete"

    /// What the peer imports; `websockets` older than 13 lacks it.
    private static let probe = "import websockets.asyncio.server"

    /// The environment every child gets: PATH, HOME and LANG of ours, nothing else.
    private static let baseEnvironment: [String: String] = {
        let current = ProcessInfo.processInfo.environment
        var environment = ["PATH": current["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]
        for name in ["HOME", "LANG"] { environment[name] = current[name] }
        return environment
    }()

    /// pip's: the base, without questions or version check, plus any proxy, index or
    /// certificate settings of ours, without which pip could not reach PyPI where it is set up
    /// that way (pip's configuration files under HOME apply anyway).
    private static let pipEnvironment: [String: String] = {
        let current = ProcessInfo.processInfo.environment
        var environment = baseEnvironment
        let passed = [
            "http_proxy", "https_proxy", "no_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY",
            "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_FIND_LINKS", "PIP_CERT", "PIP_CLIENT_CERT",
            "PIP_PROXY", "PIP_DEFAULT_TIMEOUT", "PIP_RETRIES", "PIP_CONFIG_FILE",
            "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
        ]
        for name in passed { environment[name] = current[name] }
        environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        environment["PIP_NO_INPUT"] = "1"
        return environment
    }()

    /// Below the 180 s of the suite's `.timed` watchdog, so a pip that cannot reach PyPI is
    /// reported as such. It takes seconds with a network.
    private static let pipLimit = Duration.seconds(150)
    private static let venvLimit = Duration.seconds(60)
    private static let probeLimit = Duration.seconds(30)
    /// Longer than another run can hold the lock: its children's deadlines added up.
    private static let lockLimit = Duration.seconds(600)

    private static func prepare() async throws -> PythonCommand {
        if let ready = await ready() { return ready }  // the usual case: no lock, no network
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw TestFailure("cannot make \(folder.path) for the conformance tests' python: \(error)")
        }
        return try await withFileLock(folder.appendingPathComponent(".lock")) {
            if let ready = await ready() { return ready }  // made by another run while we waited
            return try await make()
        }
    }

    /// The environment made earlier, if it is complete and works.
    private static func ready() async -> PythonCommand? {
        let manager = FileManager.default
        guard manager.fileExists(atPath: venv.appendingPathComponent(complete).path), manager.isExecutableFile(atPath: venvPython.path)
        else { return nil }
        let command = PythonCommand(executable: venvPython, environment: baseEnvironment)
        return (try? await imports(command)) == true ? command : nil
    }

    /// Makes the environment afresh, whatever was there. Runs under the lock.
    private static func make() async throws -> PythonCommand {
        let python = try await systemPython()
        try remove(venv)
        let created = try await run(python, ["-m", "venv", venv.path], environment: baseEnvironment, limit: venvLimit)
        guard created.status == 0 else {
            let hint = created.text.contains("ensurepip") ? " Install python3-venv (apt-get install python3-venv)." : ""
            throw TestFailure(
                "`\(python.path) -m venv \(venv.path)` failed (status \(created.status)) making the conformance tests' python.\(hint)\n\(created.tail)")
        }
        try await install(with: venvPython)
        let command = PythonCommand(executable: venvPython, environment: baseEnvironment)
        try await check(command)
        try mark(venv)
        return command
    }

    /// The python3 found on PATH, resolved to the real interpreter (not a pyenv shim, say).
    private static func systemPython() async throws -> URL {
        let folders = (baseEnvironment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        guard
            let found = folders.lazy.map({ URL(fileURLWithPath: $0).appendingPathComponent("python3") })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else {
            throw TestFailure("python3 is needed for the conformance tests' peer; install it (apt-get install python3 python3-venv)")
        }
        let asked = try await run(found, ["-c", "import sys; print(sys.executable)"], environment: baseEnvironment, limit: probeLimit)
        guard asked.status == 0 else {
            throw TestFailure("\(found.path) does not run (status \(asked.status)); the conformance tests' peer needs python3:\n\(asked.tail)")
        }
        let path = asked.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: path) ? URL(fileURLWithPath: path) : found
    }

    /// `python -m pip install websockets` into python's own environment (the venv).
    private static func install(with python: URL) async throws {
        let arguments = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "websockets"]
        let command = "`\(python.path) \(arguments.joined(separator: " "))`"
        let installed: Outcome
        do {
            installed = try await run(python, arguments, environment: pipEnvironment, limit: pipLimit)
        } catch let failure as TimedOut {
            throw TestFailure(
                "\(command) did not finish within \(failure.limit) and was killed; is PyPI reachable? The conformance tests' first run needs network access to PyPI once.\n\(failure.tail)"
            )
        }
        guard installed.status != 0 else { return }
        let offline = [
            "(from versions: none)", "NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
            "Name or service not known", "Network is unreachable", "Max retries exceeded", "ProxyError", "ConnectTimeout",
            "ReadTimeoutError", "SSLError",
        ].contains { installed.text.contains($0) }
        let hint =
            installed.text.contains("CERTIFICATE_VERIFY_FAILED")
            ? " pip did not trust PyPI's certificate (a proxy that inspects TLS? PIP_CERT and SSL_CERT_FILE are passed on to pip)."
            : offline
                ? " pip could not reach PyPI: the conformance tests' first run needs network access to PyPI once (or pip set up for a mirror or proxy)."
                : ""
        throw TestFailure("\(command) failed (status \(installed.status)) making the conformance tests' python.\(hint) pip said:\n\(installed.tail)")
    }

    /// Throws, with python's words, unless `command` can import what the peer needs.
    private static func check(_ command: PythonCommand) async throws {
        let outcome = try await run(command.executable, ["-c", probe], environment: command.environment, limit: probeLimit)
        guard outcome.status == 0 else {
            throw TestFailure(
                "websockets was installed, but `\(command.executable.path) -c '\(probe)'` fails (status \(outcome.status); websockets 13 or later is needed):\n\(outcome.tail)"
            )
        }
    }

    /// Whether `command` can import what the peer needs.
    private static func imports(_ command: PythonCommand) async throws -> Bool {
        try await run(command.executable, ["-c", probe], environment: command.environment, limit: probeLimit).status == 0
    }

    /// Writes the `.complete` file into `folder`, last of all.
    private static func mark(_ folder: URL) throws {
        do {
            try Data().write(to: folder.appendingPathComponent(complete), options: .atomic)
        } catch {
            throw TestFailure("cannot write \(folder.appendingPathComponent(complete).path): \(error)")
        }
    }

    private static func remove(_ url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw TestFailure("cannot remove the half-made \(url.path): \(error)")
        }
    }

    /// Runs `body` holding an exclusive `flock` on `url`, so two test runs never make the
    /// environment at once. The lock is tried, not waited for, between short sleeps: a
    /// blocking `flock` would hold a thread of Swift concurrency. The kernel drops the lock
    /// when its holder dies.
    private static func withFileLock<T>(_ url: URL, _ body: () async throws -> T) async throws -> T {
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw TestFailure("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }  // also unlocks
        let deadline = ContinuousClock.now + lockLimit
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let error = errno
            guard error == EWOULDBLOCK || error == EINTR else {
                throw TestFailure("cannot lock \(url.path): \(String(cString: strerror(error)))")
            }
            guard ContinuousClock.now < deadline else {
                throw TestFailure("another test run has held \(url.path) for \(lockLimit) while making the conformance tests' python")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await body()
    }

    // MARK: Child processes

    /// A finished child: its exit status and what it printed.
    private struct Outcome {
        var status: Int32
        var output: String
        var errors: String

        /// Both outputs together, to search.
        var text: String { output + "\n" + errors }

        /// The last lines of both, for an error message.
        var tail: String {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true).suffix(15)
            return lines.isEmpty ? "(it printed nothing)" : lines.joined(separator: "\n")
        }
    }

    /// A child that did not finish in time and was killed.
    private struct TimedOut: Error, CustomStringConvertible {
        let command: String
        let limit: Duration
        let tail: String
        var description: String { "\(command) did not finish within \(limit) and was killed\n\(tail)" }
    }

    /// Runs `executable` in `folder` with exactly `environment` and no input, and waits for it
    /// without blocking a thread: its end resumes a continuation. A child still running after
    /// `limit` is killed, and `TimedOut` is thrown; when the task is cancelled it is killed
    /// at once, and `CancellationError` is thrown.
    private static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String], limit: Duration
    ) async throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = folder  // so python's `-c` does not import from wherever we are
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let command = "`\(executable.path) \(arguments.joined(separator: " "))`"
        let exited = Exit()
        process.terminationHandler = { exited.finished($0.terminationStatus) }  // set before run, so never missed
        do {
            try process.run()
        } catch {
            throw TestFailure("cannot start \(command): \(error)")
        }
        let printed = (Drain(output.fileHandleForReading), Drain(errors.fileHandleForReading))
        let pid = process.processIdentifier
        let timedOut = Mutex(false)
        /// Foundation reports the end only once every process holding the child's pipes is
        /// gone, so its children go too: on Linux it leads a process group of its own.
        @Sendable func killAll() {
            guard !exited.hasFinished else { return }
            kill(pid, SIGKILL)
            kill(-pid, SIGKILL)
        }
        let watchdog = Task {
            try await Task.sleep(for: limit)  // cancelled when the child ends in time
            timedOut.withLock { $0 = true }
            killAll()
            exited.finished(SIGKILL)  // killed: its status is known, whoever still holds its pipes
        }
        let status = await withTaskCancellationHandler {
            await exited.status
        } onCancel: {
            killAll()
            exited.finished(SIGKILL)
        }
        watchdog.cancel()
        try Task.checkCancellation()
        // The pipes end with the child, unless it left a grandchild holding them: then take what came.
        let drained = ContinuousClock.now + .seconds(2)
        while !(printed.0.ended && printed.1.ended), ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(10))
        }
        let outcome = Outcome(status: status, output: printed.0.text, errors: printed.1.text)
        if timedOut.withLock({ $0 }) { throw TimedOut(command: command, limit: limit, tail: outcome.tail) }
        return outcome
    }

    /// A child's exit status, handed from its `terminationHandler` to the task awaiting it,
    /// whichever of the two comes first.
    private final class Exit: Sendable {
        private let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

        /// The first call counts: the watchdog may have given up waiting before Foundation's report.
        func finished(_ status: Int32) {
            let waiter = state.withLock { state -> CheckedContinuation<Int32, Never>? in
                guard state.status == nil else { return nil }
                state.status = status
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: status)
        }

        var hasFinished: Bool { state.withLock { $0.status != nil } }

        var status: Int32 {
            get async {
                await withCheckedContinuation { continuation in
                    let status = state.withLock { state -> Int32? in
                        if state.status == nil { state.waiter = continuation }
                        return state.status
                    }
                    if let status { continuation.resume(returning: status) }
                }
            }
        }
    }

    /// Everything a pipe yields, read on a thread of its own: the child never stalls on a full
    /// pipe, and no thread of Swift concurrency waits on a read.
    private final class Drain: Sendable {
        private let state = Mutex<(data: Data, ended: Bool)>((Data(), false))

        init(_ handle: FileHandle) {
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
                    if count > 0 {
                        let chunk = Data(buffer[0..<count])
                        state.withLock { $0.data.append(chunk) }
                    } else if count < 0, errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
                state.withLock { $0.ended = true }
            }.start()
        }

        var ended: Bool { state.withLock { $0.ended } }

        var text: String { state.withLock { String(decoding: $0.data, as: UTF8.self) } }
    }
}
