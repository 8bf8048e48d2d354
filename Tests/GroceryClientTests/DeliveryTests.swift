import Clocks
import Foundation
import GroceryProtocol
import Testing

@testable import GroceryClient

/// The client core's sender on a fake transport and a test clock.
@Suite("Delivery (fake transport, test clock)")
struct DeliveryTests {
    @Test("a heartbeat's new RTT is not a new connection: nothing waiting is sent again on it")
    func pongDoesNotResend() async throws {
        let clock = TestClock<Duration>()
        let transport = FakeTransport()
        var configuration = ClientConfiguration(userId: "uma")
        configuration.channel.policy.jitter = 0
        let core = try GroceryClient(configuration: configuration, transport: transport, clock: AnyClientClock(clock), random: SharedRandom(seed: 1))
        await core.start()
        try await Self.until {
            let (walmart, grocery) = (await core.walmart.state, await core.grocery.state)
            return walmart.isConnected && grocery.isConnected
        }
        try await core.submit("add 2 limes")  // the fake never answers a query: it stays waiting
        let walmart = try #require(transport.connections.first { $0.sent.contains { $0.contains("hello") } && $0.isWalmart })
        try await Self.until { walmart.sent.filter { $0.contains("nlp.query") }.count == 1 }
        for _ in 0..<3 {
            await clock.advance(by: .seconds(30))  // ping, pong: a new RTT in the state
            try await Self.until { if case .connected(_, _?) = await core.walmart.state { true } else { false } }
        }
        try await Task.sleep(for: .milliseconds(50))  // give a wrong resend its chance to show
        #expect(walmart.sent.filter { $0.contains("nlp.query") }.count == 1)
        // A new connection does send it again.
        walmart.drop(code: 1006)
        await clock.advance(by: .seconds(1))
        try await Self.until { transport.connections.filter { $0.isWalmart }.count == 2 }
        let second = try #require(transport.connections.last { $0.isWalmart })
        try await Self.until { second.sent.filter { $0.contains("nlp.query") }.count == 1 }
        await core.close()
    }

    static func until(_ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<20_000 {
            if await condition() { return }
            await Task.yield()
        }
        throw HarnessFailure("condition not reached")
    }
}
