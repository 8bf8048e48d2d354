import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryClient

/// The channel's state machine driven by seeded random worlds: sockets that open, fail,
/// welcome, send garbage and close in any order, timers that fire on time or late, and
/// a user who starts, retries and closes at any moment. After every event the
/// guarantees of DESIGN §3 must hold.
@Suite("Channel state machine: properties over seeded random event sequences")
struct ChannelMachinePropertyTests {
    @Test("3,000 random sequences of 150 events: every guarantee holds after every event", .heavy)
    func randomSequences() throws {
        for seed in 1...3_000 as ClosedRange<UInt64> {
            var world = World(seed: seed)
            for _ in 0..<150 { try world.step() }
            try world.finish()
        }
    }

    @Test("the delay sequence without jitter: 1, 1.5, 2.25 … s, then failed(gave up) after max attempts")
    func delaySequence() throws {
        var options = ChannelOptions()
        options.policy.jitter = 0
        var machine = ChannelMachine(options: options, hello: .init(sessionId: "s", userId: "u"), seed: 1)
        var now = Duration.zero
        var delays: [Int] = []
        var actions = machine.handle(.start, now: now)
        for socket in 1...11 {
            #expect(actions.contains(.open(socket)))
            actions = machine.handle(.socketFailed(socket, .cannotConnect(detail: "refused"), retryAfter: nil), now: now)
            guard case .waiting(_, let retryAt, _) = machine.state else { break }
            delays.append((retryAt - now).wholeMilliseconds)
            now = retryAt
            actions = machine.handle(.timerFired(.retry), now: now)
        }
        #expect(delays == [1000, 1500, 2250, 3375, 5062, 7593, 11390, 17085, 25628, 30000])
        #expect(machine.state == .failed(reason: .gaveUp(attempts: 10, last: .cannotConnect(detail: "refused")), attempts: 10))
        #expect(machine.armed.isEmpty)
    }

    @Test("heartbeat: a ping exactly every interval; silence for the timeout after one ends the socket")
    func heartbeatTiming() throws {
        var options = ChannelOptions()
        options.heartbeatInterval = .seconds(30)
        options.heartbeatTimeout = .seconds(10)
        var machine = ChannelMachine(options: options, hello: .init(sessionId: "s", userId: "u"), seed: 1)
        _ = machine.handle(.start, now: .zero)
        _ = machine.handle(.socketOpened(1), now: .zero)
        _ = machine.handle(.received(1, .welcome(sessionId: "s", resumed: false, heartbeatMs: 30_000)), now: .zero)
        #expect(machine.armed[.heartbeat] == .seconds(30))
        var actions = machine.handle(.timerFired(.heartbeat), now: .seconds(29))
        #expect(actions.isEmpty)  // early: not yet
        actions = machine.handle(.timerFired(.heartbeat), now: .seconds(30))
        #expect(actions.contains { if case .send(1, let text) = $0 { text.contains(#""type":"ping""#) } else { false } })
        #expect(machine.armed[.heartbeatTimeout] == .seconds(40))
        #expect(machine.armed[.heartbeat] == .seconds(60))
        _ = machine.handle(.received(1, .pong(ts: 30_000)), now: .seconds(30) + .milliseconds(7))
        #expect(machine.state == .connected(since: .zero, rtt: .milliseconds(7)))
        #expect(machine.armed[.heartbeatTimeout] == nil)
        _ = machine.handle(.timerFired(.heartbeat), now: .seconds(60))
        actions = machine.handle(.timerFired(.heartbeatTimeout), now: .seconds(70) - .milliseconds(1))
        #expect(actions.isEmpty)
        actions = machine.handle(.timerFired(.heartbeatTimeout), now: .seconds(70))
        #expect(actions.contains(.terminate(1)))
        guard case .waiting(1, _, .heartbeatTimeout(.seconds(10))) = machine.state else {
            Issue.record("expected waiting after a heartbeat timeout, got \(machine.state)")
            return
        }
    }

    @Test("a close 1008 after a rate_limited error is a retry; a bare 1008 fails")
    func rateLimitClose() throws {
        for warned in [true, false] {
            var machine = ChannelMachine(options: ChannelOptions(), hello: .init(sessionId: "s", userId: "u"), seed: 1)
            _ = machine.handle(.start, now: .zero)
            _ = machine.handle(.socketOpened(1), now: .zero)
            _ = machine.handle(.received(1, .welcome(sessionId: "s", resumed: false, heartbeatMs: 30_000)), now: .zero)
            if warned { _ = machine.handle(.received(1, .error(id: "m", code: .rateLimited, message: "slow down")), now: .zero) }
            _ = machine.handle(.socketClosed(1, code: 1008, reason: "message rate limit exceeded"), now: .seconds(1))
            switch (warned, machine.state) {
            case (true, .waiting(1, _, .rateLimited)), (false, .failed(.closed(1008, _), 0)): break
            default: Issue.record("warned \(warned): \(machine.state)")
            }
        }
    }
}

/// A random world around one machine, checking the guarantees after every event.
private struct World {
    var machine: ChannelMachine
    let options: ChannelOptions
    var random: SplitMix64
    var now: Duration = .zero
    /// Sockets the machine opened that still exist, and whether each is open yet.
    var sockets: [Int: Bool] = [:]
    /// Sockets the machine asked to close or drop, not yet gone.
    var dropping: Set<Int> = []
    var welcomed: Set<Int> = []
    var timers: [ChannelMachine.Timer: Duration] = [:]
    var lastState: ConnectionState = .idle
    var userClosed = false
    /// The largest server-given minimum delay not yet used by a wait.
    var minimum: Duration?

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        var options = ChannelOptions()
        options.policy.maxAttempts = Int.random(in: 0...6, using: &random)
        options.policy.jitter = [0, 0.25, 1][Int.random(in: 0...2, using: &random)]
        options.policy.stableAfter = .milliseconds(Int64.random(in: 100...5000, using: &random))
        self.options = options
        machine = ChannelMachine(options: options, hello: .init(sessionId: "s", userId: "u"), seed: seed)
    }

    mutating func step() throws {
        let roll = Int.random(in: 0..<100, using: &random)
        let current = sockets.keys.max()
        switch roll {
        case 0..<4: try handle(.start)
        case 4..<12: try handle(.retryNow)
        case 12..<14: try handle(.close)
        case 14..<40:
            // The earliest timer fires (the clock moves to it), sometimes late.
            guard let (timer, at) = timers.min(by: { $0.value < $1.value }) else { return try handle(.retryNow) }
            now = max(now, at) + (Bool.random(using: &random) ? .zero : .milliseconds(Int64.random(in: 0...3000, using: &random)))
            try handle(.timerFired(timer))
        case 40..<44:
            // A stale or early firing must change nothing that matters.
            let timer = ChannelMachine.Timer.allCases.randomElement(using: &random)!
            try handle(.timerFired(timer))
        case 44..<48:
            now += .milliseconds(Int64.random(in: 1...2000, using: &random))
        default:
            guard let id = current ?? dropping.first else { return try handle(.start) }
            try socketEvent(id)
        }
    }

    mutating func socketEvent(_ id: Int) throws {
        let open = sockets[id] ?? false
        if !open {
            if Bool.random(using: &random) {
                try handle(.socketOpened(id))
            } else {
                let problems: [(ConnectionProblem, Duration?)] = [
                    (.cannotConnect(detail: "refused"), nil), (.refused(status: 429), .seconds(7)), (.refused(status: 503), nil),
                    (.refused(status: 403), nil), (.tls(detail: "untrusted"), nil),
                ]
                let (problem, retryAfter) = problems.randomElement(using: &random)!
                if let retryAfter, !dropping.contains(id) { minimum = max(minimum ?? .zero, retryAfter) }
                try handle(.socketFailed(id, problem, retryAfter: retryAfter))
            }
            return
        }
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<3:
            try handle(.received(id, .welcome(sessionId: "s", resumed: false, heartbeatMs: 30_000)))
        case 3: try handle(.received(id, nil))  // garbage
        case 4: try handle(.received(id, .pong(ts: Double(now.wholeMilliseconds))))
        case 5: try handle(.received(id, .error(id: nil, code: .rateLimited, message: "slow")))
        case 6:
            if welcomed.contains(id), !dropping.contains(id), machine.state.isConnected { minimum = max(minimum ?? .zero, .milliseconds(4500)) }
            try handle(.received(id, .reconnect(retryAfterMs: 4500)))
        case 7: try handle(.received(id, .ack(id: "x")))
        default:
            let code: UInt16 = [1000, 1001, 1006, 1008, 1011, 1012, 1013, 4401, 4403].randomElement(using: &random)!
            try handle(.socketClosed(id, code: code, reason: "bye"))
        }
    }

    mutating func handle(_ event: ChannelMachine.Event) throws {
        let before = machine.state
        if case .timerFired(let timer) = event, let at = timers[timer], at <= now { timers[timer] = nil }  // due: it fires
        let actions = machine.handle(event, now: now)
        var emitted: [ConnectionState] = []
        // What the world does in answer; the machine's bookkeeping is checked against it.
        switch event {
        case .socketFailed(let id, _, _), .socketClosed(let id, _, _):
            if sockets[id] != nil || dropping.contains(id) {
                sockets[id] = nil
                dropping.remove(id)
                welcomed.remove(id)
            }
        case .socketOpened(let id):
            if sockets[id] == false { sockets[id] = true }
        case .received(let id, .welcome?):
            if sockets[id] == true, !dropping.contains(id) { welcomed.insert(id) }
        case .close:
            userClosed = true
        default:
            break
        }
        for action in actions {
            switch action {
            case .open(let id):
                try check(!userClosed, "opened a socket after close")
                try check(sockets.isEmpty && dropping.isEmpty, "opened socket \(id) while \(sockets.keys.sorted()) / \(dropping.sorted()) exist")
                sockets[id] = false
            case .send(let id, _):
                try check(sockets[id] == true && !dropping.contains(id), "sent on socket \(id), which is not open")
            case .closeSocket(let id, _), .terminate(let id):
                try check(sockets[id] != nil, "closed socket \(id), which does not exist")
                dropping.insert(id)
            case .arm(let timer, let at):
                try check(at >= now, "armed \(timer) in the past")
                timers[timer] = at
            case .cancel(let timer):
                try check(timers.removeValue(forKey: timer) != nil, "cancelled \(timer), which was not armed")
            case .emit(let state):
                emitted.append(state)
            case .deliver:
                break
            }
        }
        // At most one socket at any moment.
        try check(sockets.count + dropping.subtracting(sockets.keys).count <= 1, "two sockets: \(sockets) \(dropping)")
        try check(timers == machine.armed, "the timers the actions describe \(timers) are not the machine's \(machine.armed)")
        // Every state change announced once, and only changes.
        var previous = lastState
        for state in emitted {
            try check(state != previous, "announced \(state) twice")
            previous = state
        }
        try check(previous == machine.state, "the last announcement \(previous) is not the state \(machine.state)")
        if emitted.isEmpty { try check(before == machine.state, "the state changed silently") }
        lastState = machine.state
        // Attempts within the maximum; delays within the policy's bounds (or the server's minimum).
        let maxAttempts = options.policy.maxAttempts
        switch machine.state {
        case .connecting(let attempt): try check(attempt <= maxAttempts, "attempt \(attempt) > \(maxAttempts)")
        case .failed(_, let attempts): try check(attempts <= maxAttempts, "failed after \(attempts) > \(maxAttempts)")
        case .connected:
            try check(machine.connectedSocket.map { welcomed.contains($0) } == true, "connected without a welcome on the current socket")
        case .waiting(let attempt, let retryAt, _):
            try check(attempt >= 1 && attempt <= maxAttempts, "waiting for attempt \(attempt) of \(maxAttempts)")
            if emitted.contains(machine.state) {
                let delay = retryAt - now
                let base = options.policy.baseDelay(attempt: attempt)
                let low = base * (1 - options.policy.jitter) - .milliseconds(1)
                let high = max(base * (1 + options.policy.jitter) + .milliseconds(1), minimum ?? .zero)
                try check(delay >= low && delay <= high, "delay \(delay) for attempt \(attempt) outside \(low)…\(high)")
                try check(timers[.retry] == retryAt, "waiting without the retry timer at retryAt")
                minimum = nil
            }
        case .idle, .closed: break
        }
        if case .failed = machine.state { minimum = nil }
        // A manual retry from waiting or failed (or before start) connects at once.
        if event == .retryNow {
            switch before {
            case .waiting, .failed, .idle:
                try check(machine.state == .connecting(attempt: 0), "retryNow from \(before) gave \(machine.state)")
                try check(actions.contains { if case .open = $0 { true } else { false } } || !dropping.isEmpty, "retryNow opened nothing")
            default:
                try check(!actions.contains { if case .open = $0 { true } else { false } }, "retryNow from \(before) opened a socket")
            }
        }
        // Close ends in closed with no timer armed, for good.
        if userClosed {
            try check(machine.state == .closed, "after close the state is \(machine.state)")
            try check(machine.armed.isEmpty, "after close \(machine.armed) still armed")
        }
    }

    /// Closes, lets every socket go, and checks nothing is left.
    mutating func finish() throws {
        try handle(.close)
        for id in Array(sockets.keys) + Array(dropping) { try handle(.socketClosed(id, code: 1006, reason: "")) }
        try check(sockets.isEmpty && dropping.isEmpty && !machine.hasSocket, "sockets left after close")
        try check(machine.armed.isEmpty, "timers left after close")
    }

    private func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw PropertyFailure("seed world at \(now): \(message())") }
    }
}

private struct PropertyFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
