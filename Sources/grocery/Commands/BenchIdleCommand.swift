import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import NIOWebSocket

/// `grocery bench idle`: a running server's memory per idle connection.
struct BenchIdleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle",
        abstract: "Open N idle connections (hello, welcome, then nothing) and report the server's memory per connection.",
        discussion: """
            Reads the server's resident memory (VmRSS in /proc/PID/status) before and after.
            The server must allow N connections from one address: start it with
            --max-connections-per-ip, --upgrades-per-second and --upgrade-burst above N.
            """
    )

    @OptionGroup var target: BenchServerOptions

    @Option(help: "Idle connections to open.")
    var connections = 1000

    @Option(help: "Process id of the server (it must be on this machine).")
    var pid: Int32

    func validate() throws {
        guard connections > 0 else { throw ValidationError("--connections must be at least 1") }
        guard ResidentMemory.bytes(of: pid) != nil else { throw ValidationError("no process \(pid) to read /proc/\(pid)/status from") }
    }

    func run() async throws {
        FileDescriptorLimit.raise()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let before = try await ResidentMemory.settled(of: pid)
        var channels: [any Channel] = []
        for number in 0..<connections {
            let welcomed = group.any().makePromise(of: Void.self)
            channels.append(try await BenchSocket.connect(url: target.url, group: group, userId: "idle-\(number)") { IdleConnection(welcomed: welcomed) })
            try await welcomed.futureResult.get()
        }
        let after = try await ResidentMemory.settled(of: pid)
        for channel in channels { try? await channel.close() }
        try await group.shutdownGracefully()
        let report = BenchIdleReport(connections: connections, serverBytesBefore: before, serverBytesAfter: after,
                                     bytesPerConnection: Double(after - before) / Double(connections))
        Output.standardOutput(target.json ? try report.json() : report.table())
    }
}

/// Waits for the welcome, then stays quiet.
final class IdleConnection: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    private let welcomed: EventLoopPromise<Void>

    init(welcomed: EventLoopPromise<Void>) {
        self.welcomed = welcomed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.opcode == .text, String(buffer: frame.unmaskedData).contains("welcome") { welcomed.succeed() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        welcomed.fail(ChannelError.ioOnClosedChannel)
    }
}

/// A process's resident memory, from /proc.
enum ResidentMemory {
    static func bytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }

    /// Waits until the figure stops moving (the server finishes what it was doing).
    static func settled(of pid: Int32) async throws -> Int {
        var last = -1
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(250))
            guard let now = bytes(of: pid) else { throw ValidationError("process \(pid) is gone") }
            if now == last { return now }
            last = now
        }
        return last
    }
}

/// Lets this process open as many sockets as the hard limit allows.
enum FileDescriptorLimit {
    static func raise() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// The figures `grocery bench idle` prints.
struct BenchIdleReport: BenchReport {
    var connections: Int
    var serverBytesBefore: Int
    var serverBytesAfter: Int
    var bytesPerConnection: Double

    func table() -> String {
        """
        idle connections      \(connections)
        server memory before  \(String(format: "%.1f", Double(serverBytesBefore) / 1_048_576)) MiB
        server memory after   \(String(format: "%.1f", Double(serverBytesAfter) / 1_048_576)) MiB
        per connection        \(String(format: "%.1f", bytesPerConnection / 1024)) KiB

        """
    }
}
