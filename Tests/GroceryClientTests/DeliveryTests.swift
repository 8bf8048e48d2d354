import Clocks
import Foundation
import GroceryProtocol
import Synchronization
import Testing

@testable import GroceryClient

/// The client core's sender on a fake transport and a test clock.
@Suite("Delivery (fake transport, test clock)", .timeLimit(.minutes(1)))
struct DeliveryTests {
    @Test("a heartbeat's new RTT is not a new connection: nothing waiting is sent again on it")
    func pongDoesNotResend() async throws {
        let clock = TestClock<Duration>()
        let clientClock = AnyClientClock(clock)
        let transport = FakeTransport()
        var configuration = ClientConfiguration(userId: "uma")
        configuration.channel.policy.jitter = 0
        let core = try GroceryClient(configuration: configuration, transport: transport, clock: clientClock, random: SharedRandom(seed: 1))
        let seen = RecordedEvents()
        let recorder = Task { for await event in core.events { seen.append(event) } }
        await core.start()
        try await Self.until {
            let (walmart, grocery) = (await core.walmart.state, await core.grocery.state)
            return walmart.isConnected && grocery.isConnected
        }
        let walmart = try #require(transport.connections.first { $0.isWalmart })
        walmart.goSilent()  // the test answers its pings, each a little later than the last
        try await core.submit("add 2 limes")  // the fake never answers a query: it stays waiting
        try await Self.until { walmart.sent.filter { $0.contains("nlp.query") }.count == 1 }
        for beat in 1...3 {
            await clock.advance(by: .seconds(30 * beat) - clientClock.now)  // to this heartbeat exactly
            try await Self.until(advancing: clock) { walmart.pings.count == beat }
            let rtt = Duration.milliseconds(beat)  // a new RTT each time, so each pong is a new state
            await clock.advance(by: rtt)
            walmart.push(.pong(ts: walmart.pings[beat - 1]))
            // The core's own event: when it is recorded, the core has handled this state
            // (and woken its sender for it).
            try await Self.until {
                seen.all.contains { if case .state(channel: "walmart", .connected(_, let seenRTT?)) = $0 { seenRTT == rtt } else { false } }
            }
        }
        // A marker queued now goes out after anything the sender wrongly thinks unsent
        // (oldest first): once it is on the wire, a wrong resend of the query is too.
        try await core.submit("add 1 lemon")
        try await Self.until { walmart.sent.contains { $0.contains("1 lemon") } }
        #expect(walmart.pings.count == 3)
        #expect(walmart.sent.filter { $0.contains("2 limes") }.count == 1)
        // A new connection does send both again.
        walmart.drop(code: 1006)
        try await Self.until { if case .waiting = await core.walmart.state { true } else { false } }
        await clock.advance(by: .seconds(1))  // attempt 1, no jitter
        try await Self.until(advancing: clock) { transport.connections.filter { $0.isWalmart }.count == 2 }
        let second = try #require(transport.connections.last { $0.isWalmart })
        try await Self.until { second.sent.filter { $0.contains("nlp.query") }.count == 2 }
        #expect(second.sent.filter { $0.contains("2 limes") }.count == 1)
        await core.close()
        await recorder.value
    }

    /// Waits (yielding; with `clock`, also waking its sleepers due at this very instant,
    /// moving no time) until `condition` holds. Bounded in tries.
    static func until(advancing clock: TestClock<Duration>? = nil, _ condition: @Sendable () async -> Bool) async throws {
        for round in 1...20_000 {
            if await condition() { return }
            if let clock, round.isMultiple(of: 20) { await clock.advance(by: .zero) } else { await Task.yield() }
        }
        throw HarnessFailure("condition not reached")
    }
}

/// What the client core reported, in order.
private final class RecordedEvents: Sendable {
    private let events = Mutex<[ClientEvent]>([])
    func append(_ event: ClientEvent) { events.withLock { $0.append(event) } }
    var all: [ClientEvent] { events.withLock { $0 } }
}
