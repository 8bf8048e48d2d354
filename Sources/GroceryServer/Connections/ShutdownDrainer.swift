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
        let deadline = ContinuousClock.now + context.configuration.shutdownGrace
        while !context.registry.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Forgets processed message ids older than the configured lifetime, hourly.
struct ProcessedIDExpiry: Service {
    let context: ServerContext

    func run() async throws {
        let lifetime = context.configuration.processedIDLifetime
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            do {
                let removed = try await context.store.expireProcessed(before: .now.addingTimeInterval(-lifetime.seconds))
                context.logger.debug("expired processed ids", metadata: ["count": "\(removed)"])
            } catch {
                context.logger.warning("could not expire processed ids", metadata: ["error": "\(error)"])
            }
        }
    }
}

import Foundation
