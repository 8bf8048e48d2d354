import Foundation
import Hummingbird

/// `GET /health`: status, open connections per channel, uptime.
enum HealthRoute {
    static func add(to router: Router<BasicRequestContext>, context: ServerContext) {
        router.get("/health") { _, _ -> Response in
            let counts = context.registry.counts()
            // A store that cannot write makes every cart change fail: say so (503), so a
            // load balancer moves shoppers elsewhere.
            let problem = await context.store.writeProblem()
            var body: [String: Any] = [
                "status": context.registry.isDraining ? "draining" : problem == nil ? "ok" : "degraded",
                "connections": Dictionary(uniqueKeysWithValues: ChannelKind.allCases.filter { $0 != .echo }.map { ($0.rawValue, counts[$0] ?? 0) }),
                "uptimeSeconds": ((ContinuousClock.now - context.started).seconds * 10).rounded() / 10,
            ]
            if let problem {
                // The detail is for the operator's log, not for whoever asks.
                context.logger.warning("health: the database cannot write", metadata: ["error": "\(problem)"])
                body["reason"] = "the database cannot write"
            }
            let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
            return Response(
                status: problem == nil ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
