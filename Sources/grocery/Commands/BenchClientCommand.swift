import ArgumentParser
import Foundation
import GroceryClient

/// `grocery bench client`: memory of the client core per open channel.
struct BenchClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Open N client channels to a server and report this process's memory per open channel.",
        discussion: "Resident memory (from /proc/self/statm) before and after N channels are connected. Start the server with --max-connections-per-ip and the upgrade limits above N."
    )

    @OptionGroup var target: BenchServerOptions

    @Option(help: "Channels to open.")
    var channels = 500

    func validate() throws {
        guard channels > 0 else { throw ValidationError("--channels must be at least 1") }
    }

    func run() async throws {
        let random = SharedRandom(seed: 1)
        // One channel first, so the NIO threads and the transport are already paid for.
        var open = [await BenchChannels.open(url: target.url, userId: "bench-0", random: random)]
        try await BenchChannels.waitConnected(open)
        let before = Self.residentBytes()
        for index in 1...channels { open.append(await BenchChannels.open(url: target.url, userId: "bench-\(index)", random: random)) }
        try await BenchChannels.waitConnected(open)
        let after = Self.residentBytes()
        let perChannel = Double(after - before) / Double(channels)
        for channel in open { await channel.close() }
        if target.json {
            Output.standardOutput("{\"channels\":\(channels),\"bytesPerChannel\":\(Int(perChannel)),\"residentBeforeBytes\":\(before),\"residentAfterBytes\":\(after)}\n")
        } else {
            Output.standardOutput(String(format: "channels            %d\nresident before     %.1f MiB\nresident after      %.1f MiB\nper open channel    %.1f KiB\n",
                                         channels, Double(before) / 1_048_576, Double(after) / 1_048_576, perChannel / 1024))
        }
    }

    /// Resident set size of this process.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
