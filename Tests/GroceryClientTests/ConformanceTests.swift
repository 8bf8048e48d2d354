import Foundation
import GroceryClient
import GroceryTestSupport
import Synchronization
import Testing

/// Our client transport is our own code (on swift-nio's frame codec), so it is checked
/// against an independent implementation: the python `websockets` library as server
/// (`Peers/conformance_peer.py`). Its python is made on first use in `.build/test-python`
/// (`PythonEnvironment`): python3 with venv is needed, and network access to PyPI once.
@Suite("Client transport against python websockets", .timed, .serialized)
struct ConformanceTests {
    @Test("a fragmented message arrives whole, also one longer than a frame")
    func fragmentation() async throws {
        try await PythonPeer.with { peer in
            let connection = try await NIOWebSocketTransport().connect(to: peer.url("/fragmented"))
            try await connection.send("go")
            let first = await connection.receive()
            #expect(first == .text("fragmented \u{2713}"), "\(first) \(peer.printed)")
            let second = await connection.receive()
            #expect(second == .text(String(repeating: "x", count: 70000) + String(repeating: "y", count: 70000)), "\(String(describing: second).prefix(100))")
            await connection.close(code: 1000, reason: "")
        }
    }

    @Test("frames in the same read as the 101 response are kept (20 connections)")
    func framesWithTheUpgrade() async throws {
        try await PythonPeer.with { peer in
            for _ in 0..<20 {
                let connection = try await NIOWebSocketTransport().connect(to: peer.rawURL)
                #expect(await Self.receive(connection) == .text("hello-now"))
                await connection.terminate()
            }
            let connection = try await NIOWebSocketTransport().connect(to: peer.url("/at-once"))
            #expect(await Self.receive(connection) == .text("fragmented \u{2713}"))
            await connection.close(code: 1000, reason: "")
        }
    }

    /// The next event, or `closed` after dropping the connection when none comes within
    /// 5 s (a lost frame would otherwise hang the test).
    private static func receive(_ connection: any TransportConnection) async -> TransportEvent {
        let event = try? await withDeadline(.seconds(5), { await connection.receive() }, onTimeout: { await connection.terminate() })
        return (event ?? nil) ?? .closed(code: 1006, reason: "nothing within 5 s")
    }

    @Test("a server ping is answered with a pong carrying its data")
    func ping() async throws {
        try await PythonPeer.with { peer in
            let connection = try await NIOWebSocketTransport().connect(to: peer.url("/ping"))
            try await connection.send("go")
            let event = await connection.receive()
            #expect(event == .text("pong ok"), "\(event) \(peer.printed)")
            await connection.close(code: 1000, reason: "")
        }
    }

    @Test("frames are masked and UTF-8 survives: the strict peer echoes them unchanged")
    func echo() async throws {
        try await PythonPeer.with { peer in
            let connection = try await NIOWebSocketTransport().connect(to: peer.url("/echo"))
            for text in ["héllo 日本 🥛", String(repeating: "z", count: 100_000), ""] {
                try await connection.send(text)
                #expect(await connection.receive() == .text(text))
            }
            await connection.close(code: 1000, reason: "")
        }
    }

    @Test("close started by the server: its code and reason reach us, and we complete the handshake")
    func serverCloses() async throws {
        try await PythonPeer.with { peer in
            let connection = try await NIOWebSocketTransport().connect(to: peer.url("/server-closes"))
            try await connection.send("go")
            #expect(await connection.receive() == .closed(code: 1001, reason: "bye"))
            #expect(try await peer.line(containing: "server close handshake") == "server close handshake complete")
        }
    }

    @Test("close started by us: the peer sees our code and reason")
    func clientCloses() async throws {
        try await PythonPeer.with { peer in
            let connection = try await NIOWebSocketTransport().connect(to: peer.url("/client-closes"))
            await connection.close(code: 1000, reason: "done")
            #expect(try await peer.line(containing: "client closed") == "client closed 1000 done")
        }
    }
}

/// `conformance_peer.py` as a child process: its port, and the lines it prints.
final class PythonPeer: Sendable {
    private let process: Process
    private let lines = Mutex<[String]>([])
    private let port = Mutex<Int?>(nil)
    private let rawPort = Mutex<Int?>(nil)

    private init(process: Process) {
        self.process = process
    }

    static func with(_ body: (PythonPeer) async throws -> Void) async throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/conformance_peer.py")
        let python = try await PythonEnvironment.interpreter()
        let process = Process()
        process.executableURL = python.executable
        process.arguments = [script.path]
        process.environment = python.environment
        let output = Pipe()
        let input = Pipe()  // closed when we are done: the peer exits at EOF
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        let peer = PythonPeer(process: process)
        try process.run()
        let pending = Mutex(Data())
        readLoop(output.fileHandleForReading) { chunk in
            let lines = pending.withLock { pending -> [String] in
                pending += chunk
                var lines: [String] = []
                while let newline = pending.firstIndex(of: 0x0A) {
                    lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
                return lines
            }
            for line in lines {
                if line.hasPrefix("listening "), let port = Int(line.dropFirst(10)) { peer.port.withLock { $0 = port } }
                if line.hasPrefix("raw "), let port = Int(line.dropFirst(4)) { peer.rawPort.withLock { $0 = port } }
                peer.lines.withLock { $0.append(line) }
            }
        }
        defer {
            try? input.fileHandleForWriting.close()
            process.terminate()
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while peer.port.withLock({ $0 }) == nil {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw TestFailure("the python peer did not start within 10 s (\(python.executable.path) \(script.path)); it printed \(peer.printed)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await body(peer)
    }

    /// Everything the peer printed so far.
    var printed: [String] { lines.withLock { $0 } }

    /// The bare server that sends a frame with its 101.
    var rawURL: String { "ws://127.0.0.1:\(rawPort.withLock { $0 } ?? 0)/" }

    func url(_ path: String) -> String { "ws://127.0.0.1:\(port.withLock { $0 } ?? 0)\(path)" }

    /// Waits (up to 5 s) for a printed line containing `text`.
    func line(containing text: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if let line = lines.withLock({ $0.first { $0.contains(text) } }) { return line }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("the python peer never printed \"\(text)\"; it printed \(lines.withLock { $0 })")
    }
}
