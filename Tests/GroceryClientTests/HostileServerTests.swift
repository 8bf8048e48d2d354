import Clocks
import Foundation
import Synchronization
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryClient

/// Servers that complete the WebSocket upgrade, or part of it, and then misbehave, on
/// real sockets against the real transport. Each must end the attempt as the rules say
/// (the connect timeout, on the test clock, or at once) with the socket really gone.
@Suite("Client core against hostile servers (real sockets)", .timed)
struct HostileServerTests {
    /// Waits in real time (bounded) until `condition` holds.

    /// Starts a channel against `peer`, waits until it said hello after the upgrade, and
    /// checks the connect timeout (10 s of test clock) ends the attempt, and nothing earlier.
    func expectConnectTimeout(_ peer: HostilePeer, afterHello: Bool = true) async throws {
        let clock = TestClock<Duration>()
        let channel = realChannel("ws://127.0.0.1:\(peer.port)/ws/walmart", clock: clock)
        await channel.start()
        if afterHello {
            try await eventually("hello") { peer.received.contains { $0.contains(#""type":"hello""#) } }
        } else {
            try await eventually("TCP open") { peer.opened == 1 }
        }
        try await Task.sleep(for: .milliseconds(100))  // let whatever the peer sent arrive: it must not count as a welcome
        await clock.advance(by: .milliseconds(9_999))
        #expect(await channel.state == .connecting(attempt: 0))
        await clock.advance(by: .milliseconds(1))
        let state = try await awaitState(channel) { if case .waiting = $0 { true } else { false } }
        #expect(state == .waiting(attempt: 1, retryAt: .seconds(11), lastError: .connectTimeout(.seconds(10))))
        try await eventually("the abandoned socket closed") { peer.openNow == 0 }
        #expect(peer.maxOpenAtOnce == 1)
        await channel.close()
        #expect(await channel.liveHelpers == 0)
        try await peer.stop()
    }

    @Test("upgrade, then silence: the connect timeout ends the attempt and closes the socket")
    func silenceAfterUpgrade() async throws {
        try await expectConnectTimeout(try await HostilePeer.start(.upgradeThenSilence))
    }

    @Test("binary frames, invalid JSON and other messages before welcome are no welcome: the connect timeout ends it")
    func junkBeforeWelcome() async throws {
        let frames: [HostilePeer.Frame] = [
            .binary([1, 2, 3]), .text("{not json"), .text(#"{"type":"pong","ts":1}"#), .text(#"{"type":"ack","id":"x"}"#),
            .text(String(repeating: "x", count: 100_000)),
        ]
        try await expectConnectTimeout(try await HostilePeer.start(.upgradeThenFrames(frames)))
    }

    @Test("garbage bytes after the upgrade are a protocol error: the attempt ends at once, the socket is gone")
    func garbageAfterUpgrade() async throws {
        let peer = try await HostilePeer.start(.upgradeThenFrames([.bytes(Array("HTTP/1.1 200 OK garbage \u{0}\u{1}".utf8) + [0xFF, 0x00, 0x7F])]))
        let clock = TestClock<Duration>()
        let channel = realChannel("ws://127.0.0.1:\(peer.port)/ws/walmart", clock: clock)
        await channel.start()
        // No clock advance: only the garbage can end this attempt (the first retry is 1 s of test clock away).
        let state = try await awaitState(channel) { if case .waiting = $0 { true } else { false } }
        guard case .waiting(1, _, let problem) = state else { throw TestFailure("\(state)") }
        #expect(problem.isRetryable)
        try await eventually("the socket closed") { peer.openNow == 0 }
        await channel.close()
        try await peer.stop()
    }

    @Test("a 101 dripped a byte every 50 ms: the connect timeout covers the upgrade too")
    func drippedUpgrade() async throws {
        try await expectConnectTimeout(try await HostilePeer.start(.dripUpgrade(byteInterval: .milliseconds(50))), afterHello: false)
    }

    @Test("welcome then close 1011, again and again: the backoff grows, the counter never resets before stable-after")
    func welcomeThenClose() async throws {
        let peer = try await HostilePeer.start(.upgradeThenFrames([.welcomeThenClose(1011)]))
        let clock = TestClock<Duration>()
        let channel = realChannel("ws://127.0.0.1:\(peer.port)/ws/walmart", clock: clock)
        let now = AnyClientClock(clock)  // the channel's time line: both start at zero
        await channel.start()
        var delays: [Duration] = []
        for attempt in 1...6 {
            let state = try await awaitState(channel) { if case .waiting(attempt, _, _) = $0 { true } else { false } }
            guard case .waiting(_, let retryAt, let problem) = state else { throw TestFailure("\(state)") }
            #expect(problem == .closed(code: 1011, reason: ""))
            // The peer's loops see one socket's end and the next one's start in either
            // order; the client has closed the old one before it waits, so wait for the
            // peer to see that before the next attempt is due.
            try await eventually("attempt \(attempt)'s socket closed") { peer.openNow == 0 }
            delays.append(retryAt - now.now)
            await clock.advance(by: retryAt - now.now)
        }
        #expect(delays == [.seconds(1), .milliseconds(1500), .milliseconds(2250), .milliseconds(3375), .seconds(5.0625), .seconds(7.59375)])
        #expect(peer.maxOpenAtOnce == 1)
        await channel.close()
        try await peer.stop()
    }

    @Test("503 with Retry-After: waits at least that long, then tries again")
    func unavailable() async throws {
        let peer = try await HostilePeer.start(.respond("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n"))
        let clock = TestClock<Duration>()
        let channel = realChannel("ws://127.0.0.1:\(peer.port)/ws/walmart", clock: clock)
        await channel.start()
        let state = try await awaitState(channel) { if case .waiting = $0 { true } else { false } }
        #expect(state == .waiting(attempt: 1, retryAt: .seconds(7), lastError: .refused(status: 503)))
        await clock.advance(by: .seconds(7))
        try await eventually("a second attempt") { peer.opened == 2 }
        await channel.close()
        try await peer.stop()
    }

    @Test("an 8 MiB frame after welcome: the connection is ended (the client keeps at most 1 MiB), never connected again by it")
    func oversizeFrame() async throws {
        let welcome = #"{"type":"welcome","sessionId":"s","resumed":false,"heartbeatMs":30000}"#
        let peer = try await HostilePeer.start(.upgradeThenFrames([.text(welcome), .oversizeText(8 << 20)]))
        let clock = TestClock<Duration>()
        let channel = realChannel("ws://127.0.0.1:\(peer.port)/ws/walmart", clock: clock)
        await channel.start()
        let state = try await awaitState(channel) { if case .waiting = $0 { true } else { false } }
        guard case .waiting(1, _, let problem) = state else { throw TestFailure("\(state)") }
        #expect(problem.isRetryable)
        try await eventually("the socket closed") { peer.openNow == 0 }
        await channel.close()
        try await peer.stop()
    }

    @Test("close() returns while the server is silent after the upgrade, and leaves nothing behind")
    func closeWhileSilent() async throws {
        let peer = try await HostilePeer.start(.upgradeThenSilence)
        let clock = TestClock<Duration>()
        let channel = realChannel("ws://127.0.0.1:\(peer.port)/ws/walmart", clock: clock)
        await channel.start()
        try await eventually("hello") { peer.received.contains { $0.contains(#""type":"hello""#) } }
        let done = Mutex(false)
        Task {
            await channel.close()
            done.withLock { $0 = true }
        }
        try await eventually("close() returned") { done.withLock { $0 } }
        #expect(await channel.state == .closed)
        #expect(await channel.liveHelpers == 0)
        try await eventually("the socket closed") { peer.openNow == 0 }
        try await peer.stop()
    }
}
