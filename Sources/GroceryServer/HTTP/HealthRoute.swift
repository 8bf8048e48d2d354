import Foundation
import Hummingbird

/// `GET /health`: status, open connections per channel, uptime.
enum HealthRoute {
    static func add(to router: Router<BasicRequestContext>, context: ServerContext) {
        router.get("/health") { _, _ -> Response in
            let counts = context.registry.counts()
            let body: [String: Any] = [
                "status": context.registry.isDraining ? "draining" : "ok",
                "connections": Dictionary(uniqueKeysWithValues: ChannelKind.allCases.map { ($0.rawValue, counts[$0] ?? 0) }),
                "uptimeSeconds": ((ContinuousClock.now - context.started).seconds * 10).rounded() / 10,
            ]
            let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
