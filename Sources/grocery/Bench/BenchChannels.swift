import ArgumentParser
import GroceryClient

/// Client-core channels for the benchmarks that measure the real reconnecting client.
enum BenchChannels {
    /// Starts a walmart channel saying hello as `userId`.
    static func open(
        url: String, userId: String, transport: any Transport = NIOWebSocketTransport(), options: ChannelOptions = ChannelOptions(),
        random: SharedRandom = SharedRandom(seed: 1)
    ) async -> ReconnectingChannel {
        let channel = ReconnectingChannel(
            name: "bench", url: url, hello: .init(sessionId: nil, userId: userId), transport: transport,
            clock: AnyClientClock(ContinuousClock()), random: random, options: options)
        await channel.start()
        return channel
    }

    /// Waits until every channel is connected; fails if one gives up or `timeout` passes.
    static func waitConnected(_ channels: [ReconnectingChannel], timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        for channel in channels {
            while await !channel.state.isConnected {
                if case .failed(let reason, _) = await channel.state { throw ValidationError("a channel failed: \(reason)") }
                guard ContinuousClock.now < deadline else { throw ValidationError("channels did not all connect within \(timeout)") }
                try await Task.sleep(for: .milliseconds(5))
            }
        }
    }
}
