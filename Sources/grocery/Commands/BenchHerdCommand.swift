import ArgumentParser
import Foundation
import GroceryClient
import Synchronization

/// `grocery bench herd`: N clients, the server dies and comes back — how do they return?
struct BenchHerdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herd",
        abstract: "Connect N clients, kill -9 and restart the server, and report how their reconnects spread.",
        discussion: """
            Starts its own `grocery serve` (in-memory, limits raised) on free ports, connects N
            client-core channels with the default policy (1 s, x1.5, ±25 % jitter; --no-jitter for
            none), kills the server with SIGKILL and starts it again on the same ports at once.
            Reports reconnect attempts per 100 ms window from the kill until every client is
            back, the peak window against the mean (over the windows from the first attempt to
            all back), and the time until all are connected.
            """
    )

    @Option(help: "Clients (one walmart channel each).")
    var clients = 1000

    @Flag(help: "Turn the policy's jitter off, to compare.")
    var noJitter = false

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard clients > 0 else { throw ValidationError("--clients must be at least 1") }
    }

    func run() async throws {
        FileDescriptorLimit.raise()
        var server = try await ServerChild.start()
        let url = "ws://127.0.0.1:\(server.walmartPort)/ws/walmart"
        var options = ChannelOptions()
        if noJitter { options.policy.jitter = 0 }
        let attempts = AttemptLog()
        let random = SharedRandom(seed: 7)
        var channels: [ReconnectingChannel] = []
        for index in 0..<clients {
            let transport = CountingTransport(client: index, log: attempts)
            channels.append(await BenchChannels.open(url: url, userId: "herd-\(index)", transport: transport, options: options, random: random))
        }
        try await BenchChannels.waitConnected(channels)
        attempts.clear()
        let killed = ContinuousClock.now
        try await server.stop(SIGKILL)
        server = try await ServerChild.start(walmartPort: server.walmartPort, groceryPort: server.groceryPort)
        try await BenchChannels.waitConnected(channels, timeout: .seconds(120))
        let allBack = ContinuousClock.now - killed
        for channel in channels { await channel.close() }
        try await server.stop(SIGTERM)

        let log = attempts.entries
        let windows = max(1, Int((allBack / .milliseconds(100)).rounded(.up)))
        var perWindow = [Int](repeating: 0, count: windows)
        for (_, at) in log { perWindow[min(windows - 1, max(0, Int((at - killed) / .milliseconds(100))))] += 1 }
        // The herd's mean rate: from the window of its first attempt to the moment all are
        // back (the quiet initial delay before it is the policy, not the herd).
        let firstWindow = perWindow.firstIndex { $0 > 0 } ?? 0
        let mean = Double(log.count) / Double(windows - firstWindow)
        let mostAttempts = Dictionary(grouping: log, by: \.client).values.map(\.count).max() ?? 0
        let bound = (1...max(mostAttempts, 1)).reduce(0.0) { $0 + options.policy.baseDelay(attempt: $1).seconds * (1 + options.policy.jitter) }
        let report = BenchHerdReport(
            clients: clients, jitter: options.policy.jitter, attempts: log.count, windows: windows, peakWindow: perWindow.max() ?? 0,
            meanWindow: mean, peakToMean: Double(perWindow.max() ?? 0) / max(mean, 1e-9), allBackSeconds: allBack.seconds,
            mostAttemptsByOneClient: mostAttempts, policyBoundSeconds: bound, perWindow: perWindow)
        Output.standardOutput(json ? try report.json() : report.table())
    }
}

/// When each reconnect attempt started, and whose it was.
final class AttemptLog: Sendable {
    private let log = Mutex<[(client: Int, at: ContinuousClock.Instant)]>([])

    func record(_ client: Int) { log.withLock { $0.append((client, .now)) } }
    func clear() { log.withLock { $0.removeAll() } }
    var entries: [(client: Int, at: ContinuousClock.Instant)] { log.withLock { $0 } }
}

/// The real transport, noting each connection attempt.
struct CountingTransport: Transport {
    let client: Int
    let log: AttemptLog
    private let inner = NIOWebSocketTransport()

    init(client: Int, log: AttemptLog) {
        self.client = client
        self.log = log
    }

    func connect(to url: String) async throws(TransportError) -> any TransportConnection {
        log.record(client)
        return try await inner.connect(to: url)
    }
}

/// The figures `grocery bench herd` prints.
struct BenchHerdReport: BenchReport {
    var clients: Int
    var jitter: Double
    var attempts: Int
    var windows: Int
    var peakWindow: Int
    var meanWindow: Double
    var peakToMean: Double
    var allBackSeconds: Double
    var mostAttemptsByOneClient: Int
    var policyBoundSeconds: Double
    var perWindow: [Int]

    func table() -> String {
        let histogram = perWindow.enumerated().filter { $0.element > 0 }
            .map { String(format: "  %5d ms  %5d  ", $0.offset * 100, $0.element) + String(repeating: "█", count: max(1, $0.element * 40 / max(peakWindow, 1))) }
            .joined(separator: "\n")
        return """
            clients                 \(clients), jitter ±\(Int(jitter * 100)) %
            reconnect attempts      \(attempts), kill → all back in \(windows) windows of 100 ms
            peak window             \(peakWindow)  (mean from the first attempt on \(String(format: "%.1f", meanWindow)), peak/mean \(String(format: "%.2f", peakToMean)))
            all back after          \(String(format: "%.2f", allBackSeconds)) s
            attempts by one client  at most \(mostAttemptsByOneClient) (policy bound for that many: \(String(format: "%.2f", policyBoundSeconds)) s of waiting)
            attempts per window (ms after the kill):
            \(histogram)

            """
    }
}
