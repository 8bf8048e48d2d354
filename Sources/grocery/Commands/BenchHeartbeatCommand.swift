import ArgumentParser
import Foundation
import GroceryClient

/// `grocery bench heartbeat`: what an idle, connected channel costs on the wire.
struct BenchHeartbeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat",
        abstract: "Bytes per minute that one idle client channel and the server exchange (heartbeat only).",
        discussion: """
            The client core's own channel connects through a counting relay; after the welcome,
            every byte each way is counted for --seconds. WebSocket bytes: TCP/IP headers and
            ACKs are not included.
            """
    )

    @OptionGroup var target: BenchServerOptions

    @Option(help: "How long to watch the idle connection.")
    var seconds = 60

    @Option(help: "The client's heartbeat interval.")
    var heartbeatMs = 30_000

    func validate() throws {
        guard seconds > 0, heartbeatMs > 0 else { throw ValidationError("--seconds and --heartbeat-ms must be at least 1") }
    }

    func run() async throws {
        guard let url = URLComponents(string: target.url), let host = url.host else { throw ValidationError("bad --url") }
        let proxy = CountingProxy()
        var relayed = url
        relayed.host = "127.0.0.1"
        relayed.port = try await proxy.start(to: host, port: url.port ?? 80)
        var options = ChannelOptions()
        options.heartbeatInterval = .milliseconds(heartbeatMs)
        let channel = await BenchChannels.open(url: relayed.string ?? target.url, userId: "bench-heartbeat", options: options)
        try await BenchChannels.waitConnected([channel])
        try await Task.sleep(for: .milliseconds(200))  // the welcome and anything after it are not the heartbeat
        let (up0, down0) = (proxy.up.load(ordering: .relaxed), proxy.down.load(ordering: .relaxed))
        try await Task.sleep(for: .seconds(seconds))
        let (up, down) = (proxy.up.load(ordering: .relaxed) - up0, proxy.down.load(ordering: .relaxed) - down0)
        await channel.close()
        try await proxy.stop()
        let perMinute = 60 / Double(seconds)
        let report = BenchHeartbeatReport(
            seconds: seconds, heartbeatMs: heartbeatMs, upBytesPerMinute: Double(up) * perMinute,
            downBytesPerMinute: Double(down) * perMinute, bytesPerMinute: Double(up + down) * perMinute)
        Output.standardOutput(target.json ? try report.json() : report.table())
    }
}

/// The figures `grocery bench heartbeat` prints.
struct BenchHeartbeatReport: BenchReport {
    var seconds: Int
    var heartbeatMs: Int
    var upBytesPerMinute: Double
    var downBytesPerMinute: Double
    var bytesPerMinute: Double

    func table() -> String {
        """
        watched               \(seconds) s, heartbeat every \(heartbeatMs) ms
        client → server       \(String(format: "%.0f", upBytesPerMinute)) bytes/min
        server → client       \(String(format: "%.0f", downBytesPerMinute)) bytes/min
        both ways             \(String(format: "%.0f", bytesPerMinute)) bytes/min

        """
    }
}
