import Foundation
import Synchronization

/// `grocery serve` run by a benchmark as a child process of this same binary, so it can
/// be killed and started again on the same ports.
final class ServerChild: Sendable {
    let walmartPort: Int
    let groceryPort: Int
    private let process: Process

    private init(process: Process, walmartPort: Int, groceryPort: Int) {
        self.process = process
        self.walmartPort = walmartPort
        self.groceryPort = groceryPort
    }

    /// Starts a server with throw-away storage and limits high enough for a benchmark;
    /// port 0 picks free ones. Returns once it says where it listens.
    static func start(walmartPort: Int = 0, groceryPort: Int = 0) async throws -> ServerChild {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "serve", "--walmart-port", "\(walmartPort)", "--grocery-port", "\(groceryPort)", "--db", ":memory:",
            "--max-connections-per-ip", "1000000", "--upgrades-per-second", "1000000", "--upgrade-burst", "1000000",
            "--log-level", "error",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let printed = Mutex("")
        try process.run()
        // Read to the end on a thread of its own, so the child never blocks on a full pipe.
        let handle = output.fileHandleForReading
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                printed.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, process.isRunning {
            let text = printed.withLock { $0 }
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("grocery server listening:") }) {
                let ports = line.split(separator: " ").compactMap { $0.split(separator: "=").last.flatMap { Int($0) } }
                if ports.count == 2 { return ServerChild(process: process, walmartPort: ports[0], groceryPort: ports[1]) }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        process.terminate()
        throw BenchSocket.Failure(description: "grocery serve did not start")
    }

    /// Sends `signal` and waits (up to 10 s) for the process to end.
    func stop(_ signal: Int32) async throws {
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
    }
}
