import NIOCore
import Synchronization

/// The server's channels.
public enum ChannelKind: String, Sendable, CaseIterable {
    case walmart, grocery, trpc
    /// The conformance-testing echo (`--conformance-echo-path`), off unless asked for.
    case echo
}

/// Why an upgrade was refused before it happened.
enum Admission: Equatable {
    case allowed
    case draining(retryAfter: Duration)
    case rateLimited(retryAfter: Duration)
    case tooManyConnections
}

/// Every open connection, per channel, per user and per client IP; the upgrade rate
/// limiter; and the draining flag set by a graceful shutdown.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections: [Int: LiveConnection] = [:]
        var users: [Int: String] = [:]
        /// tRPC connections: the ids (as JSON text) of their `cart.onChange` subscriptions.
        var cartSubscriptions: [Int: [String]] = [:]
        /// Admitted upgrades per client IP whose sockets are still open.
        var perIP: [String: Int] = [:]
        /// TCP connections per client IP whose first request is not answered yet.
        var unansweredPerIP: [String: Int] = [:]
        var upgradeBuckets: [String: TokenBucket] = [:]
        var draining = false
        var nextID = 0
    }

    private let state = Mutex(State())
    private let limits: ServerConfiguration.Limits

    init(limits: ServerConfiguration.Limits) {
        self.limits = limits
    }

    /// Decides whether a client IP may open another WebSocket now. An allowed upgrade
    /// counts against the IP's connection cap at once, until ``release(ip:)``: the 101
    /// reaches the client before the connection is served, and a client that opens the
    /// next socket in that gap must still meet the cap.
    func admit(ip: String, now: ContinuousClock.Instant = .now) -> Admission {
        state.withLock { state in
            if state.draining { return .draining(retryAfter: .seconds(1)) }
            if state.perIP[ip, default: 0] >= limits.connectionsPerIP { return .tooManyConnections }
            if state.upgradeBuckets.count > 10_000 { state.upgradeBuckets.removeAll() }  // bound memory under an IP spray
            var bucket = state.upgradeBuckets[ip] ?? TokenBucket(rate: limits.upgradesPerSecond, burst: limits.upgradeBurst, now: now)
            let wait = bucket.take(now: now)
            state.upgradeBuckets[ip] = bucket
            if let wait { return .rateLimited(retryAfter: wait) }
            state.perIP[ip, default: 0] += 1
            return .allowed
        }
    }

    /// Gives back the connection an allowed ``admit(ip:now:)`` counted, when its socket closes.
    func release(ip: String) {
        state.withLock { state in
            state.perIP[ip, default: 1] -= 1
            if state.perIP[ip] == 0 { state.perIP[ip] = nil }
        }
    }

    /// Counts an accepted TCP connection of `ip` until ``endUnanswered(ip:)``; false (and
    /// nothing counted) when that IP already has `connectionsPerIP` connections that have
    /// not finished a first request, so idle sockets from one address cannot use up the
    /// server's file descriptors within the head deadline.
    func beginUnanswered(ip: String) -> Bool {
        state.withLock { state in
            guard state.unansweredPerIP[ip, default: 0] < limits.connectionsPerIP else { return false }
            state.unansweredPerIP[ip, default: 0] += 1
            return true
        }
    }

    func endUnanswered(ip: String) {
        state.withLock { state in
            state.unansweredPerIP[ip, default: 1] -= 1
            if state.unansweredPerIP[ip] == 0 { state.unansweredPerIP[ip] = nil }
        }
    }

    /// Registers a just-upgraded connection (call on its event loop); `closeTimeout` is how
    /// long it waits for the client's answer to a close.
    func open(kind: ChannelKind, peer: String, channel: any Channel, closeTimeout: Duration) -> LiveConnection {
        state.withLock { state in
            state.nextID += 1
            let connection = LiveConnection(id: state.nextID, kind: kind, peer: peer, channel: channel, closeTimeout: closeTimeout)
            state.connections[connection.id] = connection
            return connection
        }
    }

    func remove(_ connection: LiveConnection) {
        state.withLock { state in
            state.connections[connection.id] = nil
            state.users[connection.id] = nil
            state.cartSubscriptions[connection.id] = nil
        }
    }

    func setUser(_ userId: String, for connection: LiveConnection) {
        state.withLock { $0.users[connection.id] = userId }
    }

    /// The open connections of one user on one channel (two terminals, one cart).
    func connections(of userId: String, kind: ChannelKind) -> [LiveConnection] {
        state.withLock { state in
            state.users.compactMap { id, user in
                guard user == userId, let connection = state.connections[id], connection.kind == kind else { return nil }
                return connection
            }
        }
    }

    /// Records a tRPC connection's `cart.onChange` subscription ids (JSON text).
    func setCartSubscriptions(_ ids: [String], for connection: LiveConnection) {
        state.withLock { $0.cartSubscriptions[connection.id] = ids.isEmpty ? nil : ids }
    }

    /// The tRPC connections of a user that subscribed to cart changes, with their subscription ids.
    func cartSubscribers(of userId: String) -> [(LiveConnection, [String])] {
        state.withLock { state in
            state.cartSubscriptions.compactMap { id, subscriptions in
                guard state.users[id] == userId, let connection = state.connections[id] else { return nil }
                return (connection, subscriptions)
            }
        }
    }

    /// Open connections per channel.
    func counts() -> [ChannelKind: Int] {
        state.withLock { state in
            Dictionary(grouping: state.connections.values, by: \.kind).mapValues(\.count)
        }
    }

    var isEmpty: Bool { state.withLock { $0.connections.isEmpty } }
    var isDraining: Bool { state.withLock { $0.draining } }

    /// Refuses new upgrades from now on and returns the connections to close.
    func beginDraining() -> [LiveConnection] {
        state.withLock { state in
            state.draining = true
            return Array(state.connections.values)
        }
    }
}
