import Clocks
import Foundation
import GroceryProtocol
import Testing

@testable import GroceryClient

@Suite("Channel state machine (fake transport, test clock)")
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
            guard case .waiting(_, let retryAt, let error) = state else { return }
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

    @Test("retry while connecting or connected opens no second socket")
    func retryIsNoOpWhileUp() async throws {
        let harness = Harness()
        await harness.channel.start()
        _ = try await harness.state { $0.isConnected }
        for _ in 0..<5 { await harness.channel.retryNow() }
        #expect(harness.transport.attempts == 1)
        #expect(harness.transport.maxOpen == 1)
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

    @Test("manual retry from waiting and from failed never leaves two sockets open")
    func retryKeepsOneSocket() async throws {
        let harness = Harness()
        await harness.channel.start()
        _ = try await harness.state { $0.isConnected }
        harness.transport.last?.drop(code: 1011)
        _ = try await harness.state { if case .waiting = $0 { true } else { false } }
        await harness.channel.retryNow()
        _ = try await harness.state { $0.isConnected }
        harness.transport.last?.drop(code: 4401)
        _ = try await harness.state { if case .failed = $0 { true } else { false } }
        await harness.channel.retryNow()
        _ = try await harness.state { $0.isConnected }
        #expect(harness.transport.attempts == 3)
        #expect(harness.transport.maxOpen == 1)
        #expect(harness.transport.openCount == 1)
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
        guard case .waiting(_, let later, _) = again else { return }
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

    @Test("connect timeout: a listener that never answers is abandoned after 10 s of clock time")
    func connectTimeout() async throws {
        let harness = Harness()
        harness.transport.script([.hang], then: .accept)
        await harness.channel.start()
        try await harness.advance(until: { harness.transport.hanging == 1 })
        await harness.clock.advance(by: .milliseconds(9_999))
        #expect(await harness.channel.state == .connecting(attempt: 0))
        await harness.clock.advance(by: .milliseconds(1))
        let state = try await harness.state { if case .waiting = $0 { true } else { false } }
        guard case .waiting(1, _, let error) = state else { throw HarnessFailure("\(state)") }
        #expect(error == .connectTimeout(.seconds(10)))
        #expect(harness.transport.hanging == 0)
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
}
