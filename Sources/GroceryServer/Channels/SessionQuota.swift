import Synchronization

/// How many new sessions a user, and a client address, may have kept per hour. A hello
/// past the quota is still welcomed, with a session that is not written down (its next
/// hello reads `resumed: false`, which costs a client nothing: its queue is resent
/// either way), so a spray of fresh session ids cannot fill the sessions table.
final class SessionQuota: Sendable {
    private struct Window {
        var start: ContinuousClock.Instant
        var count: Int
    }

    private let perUser: Int
    private let perAddress: Int
    private let window: Duration
    /// Windows kept at most: past it (after a sweep of ended ones) no new session is kept.
    static let maxWindows = 50_000
    private let state = Mutex<(windows: [String: Window], lastSweep: ContinuousClock.Instant)>(([:], .now))

    init(perUser: Int, perAddress: Int, window: Duration = .seconds(3600)) {
        self.perUser = perUser
        self.perAddress = perAddress
        self.window = window
    }

    /// Counts a new session of `user` from `address`; false (and nothing counted) when
    /// either is over its quota for the current window, or the table of windows is full.
    func admit(user: String, address: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            // Ended windows go at most once a minute, so a full table costs one sweep, not one per hello.
            if state.windows.count >= Self.maxWindows, now - state.lastSweep > .seconds(60) {
                state.windows = state.windows.filter { now - $0.value.start < window }
                state.lastSweep = now
            }
            let keys = ["u:" + user, "a:" + Self.addressKey(address)]
            let current = keys.map { key in
                state.windows[key].flatMap { now - $0.start < window ? $0 : nil } ?? Window(start: now, count: 0)
            }
            guard current[0].count < perUser, current[1].count < perAddress else { return false }
            guard state.windows.count + 2 <= Self.maxWindows || keys.allSatisfy({ state.windows[$0] != nil }) else { return false }
            for (key, var counted) in zip(keys, current) {
                counted.count += 1
                state.windows[key] = counted
            }
            return true
        }
    }

    /// An IPv6 client holds a /64 at least, so that is its address here.
    static func addressKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        return address.split(separator: ":", omittingEmptySubsequences: false).prefix(4).joined(separator: ":")
    }
}
