import GroceryProtocol
import ServiceLifecycle

/// First to hear of a graceful shutdown: refuses new upgrades (503), tells every client
/// when to come back — a `reconnect` with a delay drawn from the configured window, so
/// a fleet spreads out (tRPC clients get tRPC's reconnect notification) — closes every
/// socket with 1001, and waits until they are gone or the grace period ends. Then the
/// HTTP servers stop.
struct ShutdownDrainer: Service {
    let context: ServerContext

    func run() async throws {
        try? await gracefulShutdown()
        let connections = context.registry.beginDraining()
        context.logger.notice("draining", metadata: ["connections": "\(connections.count)"])
        for connection in connections {
            if connection.kind == .trpc {
                connection.send(TRPCWire.reconnectNotification)
            } else {
                connection.send(.reconnect(retryAfterMs: Int.random(in: context.configuration.reconnectAfterMs)))
            }
            connection.close(.goingAway, reason: "server shutting down")
        }
        // Cancelled (the grace is over for the group) means stop waiting: a sleep that
        // throws at once must not turn this into a busy loop that outlasts cancellation.
        let deadline = ContinuousClock.now + context.configuration.shutdownGrace
        while !context.registry.isEmpty, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Forgets what the server remembers of its clients — processed message ids and
/// sessions — once older than the configured lifetime: at start, then hourly.
struct Expiry: Service {
    let context: ServerContext

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            do {
                try await Self.once(context)
            } catch {
                context.logger.warning("could not expire old processed ids and sessions", metadata: ["error": "\(error)"])
            }
        }
    }

    static func once(_ context: ServerContext) async throws {
        let cutoff = Date().addingTimeInterval(-context.configuration.processedIDLifetime.seconds)
        let processed = try await context.store.expireProcessed(before: cutoff)
        let unused = Date().addingTimeInterval(-context.configuration.unusedSessionLifetime.seconds)
        let sessions = try await context.store.expireSessions(before: cutoff, unusedBefore: unused)
        context.logger.debug("expired", metadata: ["processedIds": "\(processed)", "sessions": "\(sessions)"])
    }
}

import Foundation

// ServiceLifecycle logs each service by its description: a name, not the whole context
// (the catalog and the configuration, thousands of characters a line).
extension ShutdownDrainer: CustomStringConvertible {
    var description: String { "ShutdownDrainer" }
}

extension Expiry: CustomStringConvertible {
    var description: String { "Expiry" }
}
