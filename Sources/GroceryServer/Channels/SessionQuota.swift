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
    private let windows = Mutex<[String: Window]>([:])

    init(perUser: Int, perAddress: Int, window: Duration = .seconds(3600)) {
        self.perUser = perUser
        self.perAddress = perAddress
        self.window = window
    }

    /// Counts a new session of `user` from `address`; false (and nothing counted) when
    /// either is over its quota for the current window.
    func admit(user: String, address: String, now: ContinuousClock.Instant = .now) -> Bool {
        windows.withLock { windows in
            if windows.count > 20_000 { windows = windows.filter { now - $0.value.start < window } }  // bounded under a spray of names
            let keys = ["u:" + user, "a:" + address]
            let current = keys.map { key in
                windows[key].flatMap { now - $0.start < window ? $0 : nil } ?? Window(start: now, count: 0)
            }
            guard current[0].count < perUser, current[1].count < perAddress else { return false }
            for (key, var counted) in zip(keys, current) {
                counted.count += 1
                windows[key] = counted
            }
            return true
        }
    }
}
