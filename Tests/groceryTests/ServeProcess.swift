import Foundation
import GroceryTestSupport
import Synchronization

/// `grocery serve` as a real child process on free ports, with its output collected.
final class ServeProcess: Sendable {
    let process: Process
    let walmartPort: Int
    let groceryPort: Int
    private let output: Output

    private final class Output: Sendable {
        let stdout = Mutex("")
        let stderr = Mutex("")
    }

    var walmartURL: String { "ws://127.0.0.1:\(walmartPort)/ws/walmart" }
    var groceryURL: String { "ws://127.0.0.1:\(groceryPort)/ws/grocery" }
    var standardError: String { output.stderr.withLock { $0 } }

    private init(process: Process, walmartPort: Int, groceryPort: Int, output: Output) {
        self.process = process
        self.walmartPort = walmartPort
        self.groceryPort = groceryPort
        self.output = output
    }

    /// Starts `grocery serve --walmart-port 0 --grocery-port 0 ARGS` (or with the ports in
    /// ARGS when `fixedPorts`) and waits for its ports. A fixed port still held for a moment
    /// after the previous server on it died is tried again for a few seconds.
    static func start(_ arguments: [String], fixedPorts: Bool = false) async throws -> ServeProcess {
        var attempt = 0
        while true {
            do {
                return try await startOnce(arguments, fixedPorts: fixedPorts)
            } catch let failure as TestFailure where fixedPorts && failure.description.contains("Address already in use") && attempt < 30 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private static func startOnce(_ arguments: [String], fixedPorts: Bool) async throws -> ServeProcess {
        let launch = Launch(["serve"] + (fixedPorts ? [] : ["--walmart-port", "0", "--grocery-port", "0"]) + arguments)
        let (process, stdout, stderr) = (launch.process, launch.stdout, launch.stderr)
        let output = Output()
        readLoop(stdout.fileHandleForReading) { data in
            let text = String(decoding: data, as: UTF8.self)
            output.stdout.withLock { $0 += text }
        }
        readLoop(stderr.fileHandleForReading) { data in
            let text = String(decoding: data, as: UTF8.self)
            output.stderr.withLock { $0 += text }
        }
        try process.run()
        // A watchdog, not a speed target: in a loaded full run (kill-point and fault tests
        // spawning processes, every write fsynced) a start has been seen to take over 20 s.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let text = output.stdout.withLock { $0 }
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("grocery server listening:") }) {
                let numbers = line.split(separator: " ").compactMap { part -> Int? in
                    part.split(separator: "=").last.flatMap { Int($0) }
                }
                if numbers.count == 2 {
                    return ServeProcess(process: process, walmartPort: numbers[0], groceryPort: numbers[1], output: output)
                }
            }
            if !process.isRunning || output.stderr.withLock({ $0.contains("grocery serve:") }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        if !process.isRunning, process.terminationReason == .uncaughtSignal {
            throw DiedOfSignal(signal: process.terminationStatus, report: output.stderr.withLock { $0 })
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw TestFailure("grocery serve did not start: \(output.stderr.withLock { $0 })")
    }

    /// However the test ends (passed, failed, threw, timed out), its server goes with it,
    /// a SIGSTOPped one too.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The exit status once the process has ended, or nil if it is still running after `timeout`.
    func exitStatus(within timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning { return nil }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }
}
