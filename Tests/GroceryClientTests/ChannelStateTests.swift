import Clocks
import Foundation
import GroceryProtocol
import Testing

@testable import GroceryClient

@Suite("Channel state machine (fake transport, test clock)", .timeLimit(.minutes(1)))
struct ChannelStateTests {
    @Test("connects: connecting(0), then connected; hello carries the session")
    func connects() async throws {
        let harness = Harness()
        await harness.channel.start()
        _ = try await harness.state { $0.isConnected }
        #expect(harness.states.prefix(2) == [.connecting(attempt: 0), .connected(since: .zero, rtt: nil)])
        #expect(harness.transport.last?.sent.first?.contains(#""sessionId":"s""#) == true)
        await harness.finish()
    }

    @Test("a refused server: waits 1, 1.5, 2.25 … s by the clock, then gives up after 10 attempts")
    func givesUp() async throws {
        let harness = Harness()
        harness.transport.script([], then: .fail("connection refused"))
        await harness.channel.start()
        var waits: [Int] = []
        for attempt in 1...10 {
            let state = try await harness.state { if case .waiting(attempt, _, _) = $0 { true } else { false } }
            guard case .waiting(_, let retryAt, let error) = state else {
                throw HarnessFailure("attempt \(attempt): expected waiting, got \(state); seen \(harness.states)")
            }
            waits.append((retryAt - harness.clientClock.now).wholeMilliseconds)
            #expect(error == .cannotConnect(detail: "connection refused"))
            await harness.clock.advance(by: retryAt - harness.clientClock.now)
        }
        #expect(waits == [1000, 1500, 2250, 3375, 5062, 7593, 11390, 17085, 25628, 30000])
        let failed = try await harness.state { if case .failed = $0 { true } else { false } }
        #expect(failed == .failed(reason: .gaveUp(attempts: 10, last: .cannotConnect(detail: "connection refused")), attempts: 10))
        #expect(harness.transport.attempts == 11)
        await harness.clock.advance(by: .seconds(3600))
        #expect(harness.transport.attempts == 11)  // nothing retries by itself
        await harness.finish()
    }

    @Test("manual retry from waiting connects at once and starts the sequence afresh")
    func retryFromWaiting() async throws {
        let harness = Harness()
        harness.transport.script([.fail("down"), .fail("down"), .fail("down")], then: .fail("down"))
        await harness.channel.start()
        _ = try await harness.state { if case .waiting(1, _, _) = $0 { true } else { false } }
        await harness.clock.advance(by: .seconds(1))
        _ = try await harness.state { if case .waiting(2, _, _) = $0 { true } else { false } }
        await harness.channel.retryNow()
        _ = try await harness.state { if case .waiting(1, _, _) = $0 { true } else { false } }
        #expect(harness.states.contains(.connecting(attempt: 0)))
        #expect(harness.transport.attempts == 3)
        harness.transport.script([], then: .accept)
        await harness.channel.retryNow()
        _ = try await harness.state { $0.isConnected }
        await harness.finish()
    }

    @Test("manual retry from failed connects at once")
    func retryFromFailed() async throws {
        let harness = Harness()
        harness.transport.script([.refuse(status: 403, retryAfter: nil)])
        await harness.channel.start()
        let failed = try await harness.state { if case .failed = $0 { true } else { false } }
        #expect(failed == .failed(reason: .refused(status: 403), attempts: 0))
        await harness.channel.retryNow()
        _ = try await harness.state { $0.isConnected }
        #expect(harness.transport.attempts == 2)
        await harness.finish()
    }

    @Test("retry while connecting (accepted, no welcome yet) or connected opens no second socket and changes nothing")
    func retryIsNoOpWhileUp() async throws {
        let harness = Harness()
        harness.transport.script([.acceptSilently])
        await harness.channel.start()
        try await harness.until("hello on the first socket") { harness.transport.last?.heardHello == true }
        let socket = try #require(harness.transport.last)
        for _ in 0..<5 { await harness.channel.retryNow() }  // Ctrl-R while it waits for the welcome
        #expect(await harness.channel.state == .connecting(attempt: 0))
        socket.welcome()
        _ = try await harness.state { $0.isConnected }  // only a socket the machine still owns can get it there
        for _ in 0..<5 { await harness.channel.retryNow() }
        #expect(await harness.channel.state == .connected(since: .zero, rtt: nil))
        try await expectOnly(socket, on: harness, attempts: 1)
        await harness.finish()
    }

    @Test("retry while a connect is still in progress does nothing: one attempt, no second socket")
    func retryWhileConnecting() async throws {
        let harness = Harness()
        harness.transport.script([.hang], then: .accept)
        await harness.channel.start()
        try await harness.advance(until: { harness.transport.hanging == 1 }, step: .milliseconds(1))
        for _ in 0..<5 { await harness.channel.retryNow() }
        #expect(harness.transport.attempts == 1)
        #expect(await harness.channel.state == .connecting(attempt: 0))
        await harness.finish()
        #expect(harness.transport.hanging == 0)
    }

    @Test("manual retry from failed and from waiting: the next socket opens only once the dropped one is gone, Ctrl-R before the welcome opens none, one socket open after each")
    func retryKeepsOneSocket() async throws {
        let harness = Harness()
        harness.transport.holdCloses()  // a socket the channel drops stays open until the test lets it go
        harness.transport.script([.rejectHello, .acceptSilently], then: .accept)
        await harness.channel.start()

        // From failed, while the refused socket is still closing.
        _ = try await harness.state { if case .failed = $0 { true } else { false } }
        let refused = try #require(harness.transport.last)
        await harness.channel.retryNow()
        #expect(await harness.channel.state == .connecting(attempt: 0))
        #expect(await harness.channel.liveHelpers == 2)  // the closing socket and the connect timeout: no second socket asked for
        #expect(harness.transport.openCount == 1)
        #expect(harness.transport.maxOpen == 1)
        #expect(harness.transport.attempts == 1)
        refused.letGo()
        try await harness.until("hello on the second socket") { harness.transport.attempts == 2 && harness.transport.last?.heardHello == true }
        let silent = try #require(harness.transport.last)
        for _ in 0..<5 { await harness.channel.retryNow() }  // Ctrl-R while it waits for the welcome
        #expect(await harness.channel.state == .connecting(attempt: 0))
        silent.welcome()
        _ = try await harness.state { $0.isConnected }
        try await expectOnly(silent, on: harness, attempts: 2)

        // From waiting, while the socket dropped for silence is still closing.
        silent.goSilent()
        try await harness.advance(until: {
            if case .waiting = await harness.channel.state { return true } else { return false }
        })
        await harness.channel.retryNow()
        #expect(await harness.channel.state == .connecting(attempt: 0))
        #expect(await harness.channel.liveHelpers == 2)  // as above
        #expect(harness.transport.openCount == 1)
        #expect(harness.transport.maxOpen == 1)
        #expect(harness.transport.attempts == 2)
        silent.letGo()
        _ = try await harness.state { $0.isConnected }
        let third = try #require(harness.transport.last)
        try await expectOnly(third, on: harness, attempts: 3)
        await harness.finish()
    }

    @Test(
        "server signals: 403 and close 1008/4401/4403 fail at once; 1001/1006/1011/1012/1013 reconnect",
        arguments: [(1008 as UInt16, false), (4401, false), (4403, false), (1001, true), (1006, true), (1011, true), (1012, true), (1013, true)])
    func closeCodes(code: UInt16, reconnects: Bool) async throws {
        let harness = Harness()
        await harness.channel.start()
        _ = try await harness.state { $0.isConnected }
        harness.transport.last?.drop(code: code, reason: "bye")
        let next = try await harness.state { if case .waiting = $0 { true } else if case .failed = $0 { true } else { false } }
        if reconnects {
            guard case .waiting(1, _, let error) = next else { throw HarnessFailure("expected waiting, got \(next)") }
            #expect(error == .closed(code: code, reason: "bye"))
        } else if code == 1008 {
            #expect(next == .failed(reason: .closed(code: code, reason: "bye"), attempts: 0))
        } else {
            #expect(next == .failed(reason: .unauthorized(code: code, reason: "bye"), attempts: 0))
        }
        await harness.finish()
    }

    @Test("429 with Retry-After, and the server's reconnect message, wait at least that long")
    func serverDelays() async throws {
        let harness = Harness()
        harness.transport.script([.refuse(status: 429, retryAfter: .seconds(7))])
        await harness.channel.start()
        let state = try await harness.state { if case .waiting = $0 { true } else { false } }
        guard case .waiting(1, let retryAt, _) = state else { throw HarnessFailure("\(state)") }
        #expect(retryAt - harness.clientClock.now == .seconds(7))
        await harness.clock.advance(by: .seconds(7))
        _ = try await harness.state { $0.isConnected }
        harness.transport.last?.push(.reconnect(retryAfterMs: 4500))
        harness.transport.last?.drop(code: 1001, reason: "shutdown")
        let again = try await harness.state { if case .waiting = $0 { true } else { false } }
        guard case .waiting(_, let later, _) = again else { throw HarnessFailure("expected waiting after the drop, got \(again)") }
        #expect(later - harness.clientClock.now == .milliseconds(4500))
        await harness.finish()
    }

    @Test("the attempt counter resets only after stable-after of health")
    func stableAfter() async throws {
        let harness = Harness()
        await harness.channel.start()
        _ = try await harness.state { $0.isConnected }
        // Accepts and drops at once: the counter keeps growing.
        harness.transport.last?.drop(code: 1006)
        _ = try await harness.state { if case .waiting(1, _, _) = $0 { true } else { false } }
        await harness.clock.advance(by: .seconds(1))
        _ = try await harness.state { $0.isConnected }
        harness.transport.last?.drop(code: 1006)
        _ = try await harness.state { if case .waiting(2, _, _) = $0 { true } else { false } }
        await harness.clock.advance(by: .milliseconds(1500))
        _ = try await harness.state { $0.isConnected }
        // Healthy for 5 s: the next drop is attempt 1 again.
        await harness.clock.advance(by: .seconds(5))
        harness.transport.last?.drop(code: 1006)
        _ = try await harness.state { if case .waiting(1, _, _) = $0 { true } else { false } }
        await harness.finish()
    }

    @Test("connect timeout: a listener that never answers is abandoned 10 s of clock time after start, not 1 ms before")
    func connectTimeout() async throws {
        let harness = Harness()
        harness.transport.script([.hang], then: .accept)
        await harness.channel.start()  // at test time zero: the timer is armed for 10 s
        try await harness.until("the connect hangs") { harness.transport.hanging == 1 }
        let elapsed = harness.clientClock.now  // zero: waiting for the hang moved no time
        await harness.clock.advance(by: .milliseconds(9_999) - elapsed)
        await harness.settle()
        #expect(await harness.channel.state == .connecting(attempt: 0))
        await harness.clock.advance(by: .milliseconds(1))
        try await harness.until("waiting after the timeout") { await harness.channel.state.name == "waiting" }
        #expect(await harness.channel.state == .waiting(attempt: 1, retryAt: .seconds(11), lastError: .connectTimeout(.seconds(10))))  // fired at 10 s exactly
        try await harness.until("the hanging connect abandoned") { harness.transport.hanging == 0 }
        await harness.finish()
    }

    @Test("hello refused: the channel fails with the server's reason")
    func helloRefused() async throws {
        let harness = Harness()
        harness.transport.script([.rejectHello])
        await harness.channel.start()
        let state = try await harness.state { if case .failed = $0 { true } else { false } }
        #expect(state == .failed(reason: .helloRefused(code: "invalid_field", message: "bad user"), attempts: 0))
        try await harness.advance(until: { harness.transport.openCount == 0 }, step: .milliseconds(1))  // dropped right behind the state
        await harness.finish()
    }

    @Test("heartbeat defaults: a ping every 30 s, dead after 10 s without a frame")
    func heartbeatDefaults() {
        let options = ChannelOptions()
        #expect(options.heartbeatInterval == .seconds(30))
        #expect(options.heartbeatTimeout == .seconds(10))
    }

    @Test("with the defaults: the first ping goes at 30 s, not 1 ms before; a silent peer is dropped 10 s after it, not 1 ms before")
    func heartbeatToTheMillisecond() async throws {
        let harness = Harness()  // ChannelOptions() but for jitter
        await harness.channel.start()
        _ = try await harness.state { $0.isConnected }  // at test time zero
        let peer = try #require(harness.transport.last)
        peer.goSilent()  // it takes pings and never answers
        await harness.clock.advance(by: .milliseconds(29_999))
        await harness.settle()
        #expect(peer.pings.isEmpty)
        await harness.clock.advance(by: .milliseconds(1))
        try await harness.until("the first ping") { peer.pings.count == 1 }
        #expect(peer.pings == [30_000])  // stamped 30 s exactly
        await harness.clock.advance(by: .milliseconds(9_999))
        await harness.settle()
        #expect(await harness.channel.state == .connected(since: .zero, rtt: nil))
        await harness.clock.advance(by: .milliseconds(1))
        try await harness.until("waiting after the silence") { await harness.channel.state.name == "waiting" }
        #expect(await harness.channel.state == .waiting(attempt: 1, retryAt: .seconds(41), lastError: .heartbeatTimeout(.seconds(10))))  // ended at 40 s exactly
        try await harness.until("the silent socket dropped") { harness.transport.openCount == 0 }
        await harness.finish()
    }

    @Test("heartbeat: a ping every 30 s; no answer within 10 s closes and reconnects; the RTT is in the state")
    func heartbeat() async throws {
        let harness = Harness()
        await harness.channel.start()
        _ = try await harness.state { $0.isConnected }
        try await harness.advance(until: {
            if case .connected(_, let rtt?) = await harness.channel.state { return rtt >= .zero } else { return false }
        })
        let pings = harness.transport.last?.sent.filter { $0.contains(#""type":"ping""#) }.count ?? 0
        #expect(pings == 1)
        harness.transport.last?.goSilent()
        try await harness.advance(until: {
            if case .waiting = await harness.channel.state { return true } else { return false }
        })
        guard case .waiting(1, _, let error) = await harness.channel.state else { throw HarnessFailure("expected waiting") }
        #expect(error == .heartbeatTimeout(.seconds(10)))
        try await harness.advance(until: { harness.transport.openCount == 0 }, step: .milliseconds(1))  // dropped right behind the state
        await harness.finish()
    }

    @Test("close ends everything: no socket, no timer, no task left")
    func hygiene() async throws {
        let harness = Harness()
        await harness.channel.start()
        _ = try await harness.state { $0.isConnected }
        harness.transport.last?.drop(code: 1006)
        _ = try await harness.state { if case .waiting = $0 { true } else { false } }
        await harness.finish()
        #expect(await harness.channel.state == .closed)
        #expect(await harness.channel.liveHelpers == 0)
        #expect(harness.transport.openCount == 0)
        await harness.clock.advance(by: .seconds(3600))
        #expect(harness.transport.attempts == 1)
    }

    @Test("racing start, retry, drops and close never yields two sockets", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func stress(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let harness = Harness(seed: seed)
        harness.transport.script([], then: .accept)
        await withTaskGroup(of: Void.self) { group in
            for step in 0..<300 {
                let choice = Int.random(in: 0..<6, using: &random)
                group.addTask {
                    switch choice {
                    case 0: await harness.channel.start()
                    case 1: await harness.channel.retryNow()
                    case 2: harness.transport.last?.drop(code: 1006)
                    case 3: await harness.clock.advance(by: .milliseconds(700))
                    case 4: harness.transport.script([.fail("flaky")], then: .accept)
                    default: try? await harness.channel.send("x\(step)")
                    }
                }
            }
        }
        #expect(harness.transport.maxOpen <= 1)
        await harness.finish()
        #expect(harness.transport.openCount == 0)
        #expect(await harness.channel.liveHelpers == 0)
    }

    /// After a (re)connect: the channel sends on `connection` (not on a socket opened behind
    /// it), exactly one socket is open and never were two, and the transport was asked
    /// `attempts` times in all. A hidden extra socket cannot hide: the channel only reaches
    /// `connected` through a socket it still owns, and sends only on that one.
    private func expectOnly(
        _ connection: FakeConnection, on harness: Harness, attempts: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let marker = "marker \(attempts)"
        try await harness.channel.send(marker)
        #expect(connection.sent.last == marker, "sent on another socket", sourceLocation: sourceLocation)
        #expect(harness.transport.openCount == 1, sourceLocation: sourceLocation)
        #expect(harness.transport.maxOpen == 1, sourceLocation: sourceLocation)
        #expect(harness.transport.attempts == attempts, sourceLocation: sourceLocation)
    }
}
