import Clocks
import Foundation
import GroceryProtocol
import GroceryServer
import GroceryTestSupport
import Testing

@testable import GroceryClient

/// A channel on the real NIO transport, timed by a test clock.
func realChannel(_ url: String, clock: TestClock<Duration>, user: String = "tess") -> ReconnectingChannel {
    var options = ChannelOptions()
    options.policy.jitter = 0
    return ReconnectingChannel(
        name: "real", url: url, hello: .init(sessionId: "s-real", userId: user), transport: NIOWebSocketTransport(),
        clock: AnyClientClock(clock), random: SharedRandom(seed: 1), options: options)
}

/// Polls the channel's state (yielding; no clock advance) until `matches`, within a real-time bound.
func awaitState(_ channel: ReconnectingChannel, _ matches: (ConnectionState) -> Bool) async throws -> ConnectionState {
    let deadline = ContinuousClock.now + .seconds(30)  // generous: a loaded CI machine is slow, a failure is still a failure
    while ContinuousClock.now < deadline {
        let state = await channel.state
        if matches(state) { return state }
        try await Task.sleep(for: .milliseconds(5))
    }
    throw TestFailure("state not reached; now \(await channel.state)")
}

@Suite("Client core against real servers", .timed)
struct RealTransportTests {
    @Test("a silent listener: the connect timeout (10 s of test clock) abandons the socket")
    func silentListener() async throws {
        let peer = try await FakePeer.start(.silent)
        let clock = TestClock<Duration>()
        let channel = realChannel("ws://127.0.0.1:\(peer.port)/ws/walmart", clock: clock)
        await channel.start()
        let deadline = ContinuousClock.now + .seconds(30)
        while peer.opened == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(peer.opened == 1)
        await clock.advance(by: .seconds(10))
        let state = try await awaitState(channel) { if case .waiting = $0 { true } else { false } }
        guard case .waiting(1, _, let error) = state else { throw TestFailure("\(state)") }
        #expect(error == .connectTimeout(.seconds(10)))
        let closing = ContinuousClock.now + .seconds(30)
        while peer.closed == 0, ContinuousClock.now < closing { try await Task.sleep(for: .milliseconds(5)) }
        #expect(peer.closed == 1)  // the abandoned socket is really closed
        await channel.close()
        try await peer.stop()
    }

    @Test("HTTP 403 on upgrade fails at once; 429 with Retry-After waits that long")
    func refusals() async throws {
        let forbidden = try await FakePeer.start(.respond("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
        let clock = TestClock<Duration>()
        let first = realChannel("ws://127.0.0.1:\(forbidden.port)/ws/walmart", clock: clock)
        await first.start()
        let failed = try await awaitState(first) { if case .failed = $0 { true } else { false } }
        #expect(failed == .failed(reason: .refused(status: 403), attempts: 0))
        await first.close()

        let busy = try await FakePeer.start(.respond("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n"))
        let second = realChannel("ws://127.0.0.1:\(busy.port)/ws/walmart", clock: clock)
        await second.start()
        let waiting = try await awaitState(second) { if case .waiting = $0 { true } else { false } }
        guard case .waiting(1, let retryAt, _) = waiting else { throw TestFailure("\(waiting)") }
        #expect(retryAt - AnyClientClock(clock).now >= .seconds(7) - .milliseconds(1))
        await second.close()
        try await forbidden.stop()
        try await busy.stop()
    }

    @Test("the real server: welcome, the server's 429 on a burst, and its reconnect + 1001 on shutdown")
    func realServer() async throws {
        let server = try await TestServer.start { $0.limits.upgradeBurst = 1; $0.limits.upgradesPerSecond = 0.001; $0.reconnectAfterMs = 3000...3000 }
        let clock = TestClock<Duration>()
        let channel = realChannel(server.walmartURL, clock: clock)
        await channel.start()
        _ = try await awaitState(channel) { $0.isConnected }
        let second = realChannel(server.walmartURL, clock: clock)
        await second.start()
        let limited = try await awaitState(second) { if case .waiting = $0 { true } else { false } }
        guard case .waiting(1, let retryAt, let error) = limited else { throw TestFailure("\(limited)") }
        #expect(error == .refused(status: 429))
        // Retry-After is about 1,000 s less what refilled while the test ran (slow machines:
        // seconds), far above the 1 s backoff.
        #expect(retryAt - AnyClientClock(clock).now >= .seconds(900))
        await second.close()
        try await server.stop()
        let dropped = try await awaitState(channel) { if case .waiting = $0 { true } else { false } }
        guard case .waiting(1, let next, let why) = dropped else { throw TestFailure("\(dropped)") }
        #expect(why == .closed(code: 1001, reason: "server shutting down"))
        #expect(next - AnyClientClock(clock).now == .seconds(3))  // the server's retryAfterMs, above the 1 s backoff
        await channel.close()
    }

    @Test("GroceryClient: a query goes out, its result comes back, the cart changes once")
    func endToEnd() async throws {
        try await withServer { server in
            let client = try Self.client(of: server, user: "uma")
            // A banana change applied twice would show as 6 bananas, or as the milk
            // arriving at version 3.
            let carts = try await Self.bananasThenMilk(client) { _ in }
            let last = try #require(carts.last)
            #expect(last.version == 2, "\(carts.map(\.version))")
            #expect(last.items.first { $0.productId == "banana" }?.quantity == 3)
            #expect(await client.pendingCount == 0)
            await client.close()
        }
    }

    @Test("GroceryClient: a held result changes nothing until confirmed; confirmed twice, it changes the cart once")
    func confirmTwice() async throws {
        try await withServer { server in
            let client = try Self.client(of: server, user: "cora") {
                $0.confirmation = Confirmation(below: 1.01)  // every change waits
            }
            let carts = try await Self.bananasThenMilk(client) { event in
                guard case .held(let id, let result) = event else { return }
                // The bananas are confirmed twice, the milk once.
                try? await client.confirm(id, result)
                if result.text == "add 3 bananas" { try? await client.confirm(id, result) }
            }
            let last = try #require(carts.last)
            #expect(last.version == 2, "\(carts.map(\.version))")
            #expect(last.items.first { $0.productId == "banana" }?.quantity == 3)
            await client.close()
        }
    }

    /// A client of `server` as `user`, on its channels.
    static func client(
        of server: TestServer, user: String, _ configure: (inout ClientConfiguration) -> Void = { _ in }
    ) throws -> GroceryClient {
        var configuration = ClientConfiguration(userId: user)
        configuration.walmartURL = server.walmartURL
        configuration.groceryURL = server.groceryURL
        configure(&configuration)
        return try GroceryClient(configuration: configuration)
    }

    /// Starts `client`, submits "add 3 bananas" and "add 1 gallon of whole milk", and
    /// returns every cart seen until one holds the milk (within 60 s). `onEvent` sees
    /// every event first, on the one task that reads them.
    static func bananasThenMilk(
        _ client: GroceryClient, onEvent: @escaping @Sendable (ClientEvent) async -> Void
    ) async throws -> [CartSnapshot] {
        let collected = Task {
            var carts: [CartSnapshot] = []
            for await event in client.events {
                await onEvent(event)
                if case .cart(let cart) = event {
                    carts.append(cart)
                    if cart.items.contains(where: { $0.productId.contains("milk") }) { return carts }
                }
            }
            return carts
        }
        await client.start()
        try await client.submit("add 3 bananas")
        try await client.submit("add 1 gallon of whole milk")
        return try await withDeadline(.seconds(60), { await collected.value }, onTimeout: { await client.close() }) ?? []
    }
}
