import Foundation
import HTTPTypes
import Hummingbird

/// Answers upgrades the ``UpgradeGate`` refused (403, 404, 429, 503 with `Retry-After`).
/// Reachable only with the gate's per-run token; anyone else gets 404.
enum RefusalRoute {
    static let path = "/_grocery/refused"
    static let tokenHeader = "X-Grocery-Gate"

    static func add(to router: Router<BasicRequestContext>, token: String) {
        router.get(RouterPath(path)) { request, _ -> Response in
            guard let name = HTTPField.Name(tokenHeader), request.headers[name] == token,
                let code = request.uri.queryParameters.get("status", as: Int.self)
            else { return Response(status: .notFound) }
            var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .connection: "close"]
            if let retryAfter = request.uri.queryParameters.get("retryAfter", as: Int.self) {
                headers[.retryAfter] = String(retryAfter)
            }
            if code == 400, let version = HTTPField.Name("Sec-WebSocket-Version") {
                headers[version] = "13"  // the gate refuses with 400 only a malformed handshake
            }
            let reason = (request.uri.queryParameters.get("reason") ?? "").removingPercentEncoding ?? ""
            return Response(
                status: HTTPResponse.Status(code: code), headers: headers, body: .init(byteBuffer: ByteBuffer(string: reason + "\n")))
        }
    }
}
