import Clocks
import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryClient

/// A channel on a fake transport and a test clock, with its events recorded.
final class Harness: Sendable {
    let clock = TestClock<Duration>()
    let transport = FakeTransport()
    let channel: ReconnectingChannel
    let clientClock: AnyClientClock<TestClock<Duration>>
    private let recorder: Task<Void, Never>
    private let seen = RecordedStates()

    init(options: ChannelOptions = Harness.noJitter(), seed: UInt64 = 1) {
        clientClock = AnyClientClock(clock)
        channel = ReconnectingChannel(
            name: "test", url: "ws://fake/ws", hello: .init(sessionId: "s", userId: "u"), transport: transport, clock: clientClock,
            random: SharedRandom(seed: seed), options: options)
        let seen = self.seen
        let channel = self.channel
        recorder = Task {
            for await event in channel.events {
                if case .state(let state) = event { seen.append(state) }
            }
        }
    }

    static func noJitter() -> ChannelOptions {
        var options = ChannelOptions()
        options.policy.jitter = 0
        return options
    }

    var states: [ConnectionState] { seen.all }

    /// Yields until `condition` holds, advancing the test clock by `step` between tries
    /// (never more than `limit` in all). No real time passes.
    func advance(until condition: @Sendable () async -> Bool, step: Duration = .milliseconds(100), limit: Duration = .seconds(120)) async throws {
        var advanced = Duration.zero
        while true {
            for _ in 0..<20 {
                if await condition() { return }
                await Task.yield()
            }
            guard advanced < limit else { throw HarnessFailure("condition not reached within \(limit) of test time; states: \(states)") }
            await clock.advance(by: step)
            advanced += step
        }
    }

    /// Waits until `condition` holds without moving the clock: yields, and between tries
    /// wakes the sleepers due at this very instant (`advance(by: .zero)`), so a timer armed
    /// for now cannot be missed. Bounded in tries, not in time.
    func until(_ what: String, _ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<2_000 {
            for _ in 0..<20 {
                if await condition() { return }
                await Task.yield()
            }
            await clock.advance(by: .zero)
        }
        throw HarnessFailure("\(what): not reached at \(clientClock.now) of test time; states: \(states)")
    }

    /// Lets what is due by now happen, moving no time: sleepers due at this instant wake
    /// and the tasks they start get a few hundred turns. A check after it that something
    /// did *not* happen is evidence, not proof; pair it with an exact check afterwards.
    func settle() async {
        for _ in 0..<5 { await clock.advance(by: .zero) }
    }

    /// Waits (yielding, no clock) until the channel is in a state matching `matches`.
    func state(_ matches: @Sendable (ConnectionState) -> Bool) async throws -> ConnectionState {
        for _ in 0..<10_000 {
            let current = await channel.state
            if matches(current) { return current }
            await Task.yield()
        }
        throw HarnessFailure("state not reached; now \(await channel.state); seen \(states)")
    }

    /// Closes the channel (letting go of sockets held open by the test first) and waits for
    /// its last event.
    func finish() async {
        for connection in transport.connections { connection.letGo() }
        let (channel, recorder) = (self.channel, self.recorder)
        let closed = await finishes(within: .seconds(20)) {
            await channel.close()
            await recorder.value
        }
        if !closed { Issue.record("the channel did not close within 20 s; states: \(states)") }
    }
}

final class RecordedStates: Sendable {
    private let states = Mutex<[ConnectionState]>([])
    func append(_ state: ConnectionState) { states.withLock { $0.append(state) } }
    var all: [ConnectionState] { states.withLock { $0 } }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import Synchronization
