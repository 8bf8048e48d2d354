import Foundation
import GroceryProtocol
import Logging

/// Who a connection may act as. Without a secret the server takes the user a client
/// names (fine on loopback); with one, only a valid token's user, and the client must
/// not ask for anyone else.
enum UserAdmission: Equatable {
    /// Serve this user's cart.
    case user(String)
    /// Close with `code` and `reason`: 4401 for a missing, forged or expired token,
    /// 4403 for a valid token of another user.
    case refused(CloseCode, String)

    /// Decides with `signer` (nil: no tokens), the `token` presented (in the hello,
    /// tRPC `connectionParams` or the upgrade's `Authorization: Bearer`) and the user
    /// asked for, if any.
    static func decide(signer: TokenSigner?, token: String?, requested: String?, now: Date = Date()) -> UserAdmission {
        guard let signer else {
            return .user(requested ?? "guest")
        }
        guard let token else {
            return .refused(.unauthorized, "a token is required (set GROCERY_TOKEN; see grocery token)")
        }
        switch signer.verify(token, now: now) {
        case .failure(let rejection):
            return .refused(.unauthorized, rejection.description)
        case .success(let claims):
            if let requested, requested != claims.user {
                return .refused(.forbidden, "the token is for user \(claims.user), not \(requested)")
            }
            return .user(claims.user)
        }
    }

    /// Decides, and on a refusal logs it and closes `connection` with its code and reason.
    /// Returns the admitted user, or nil when refused.
    static func admit(token: String?, requested: String?, on connection: LiveConnection, context: ServerContext) -> String? {
        switch decide(signer: context.configuration.tokens, token: token, requested: requested) {
        case .refused(let code, let reason):
            context.logger.info("connection refused", metadata: ["code": "\(code.rawValue)", "reason": "\(reason)", "connection": "\(connection.id)"])
            connection.close(code, reason: reason)
            return nil
        case .user(let user):
            return user
        }
    }

    /// The token of an `Authorization: Bearer …` header value.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
