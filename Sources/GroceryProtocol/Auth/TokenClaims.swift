import Foundation

/// What a user token says: whose cart, until when. A token is
/// `base64url(payload) "." base64url(HMAC-SHA256(secret, payload))`, the payload being
/// `{"exp":<unix seconds>,"sub":"<user>"}`. The server signs and checks it; a client
/// only reads it (``init(unverifiedToken:)``) to know which user to say hello as.
public struct TokenClaims: Sendable, Equatable {
    /// The user the token speaks for.
    public var user: String
    /// When it stops being accepted (whole seconds).
    public var expires: Date

    /// Claims for `user` until `expires` (rounded down to the second).
    public init(user: String, expires: Date) {
        self.user = user
        self.expires = Date(timeIntervalSince1970: expires.timeIntervalSince1970.rounded(.down))
    }

    /// The bytes that are signed.
    public var payload: Data {
        var json = JSONWriter()
        json.object { json in
            json.field("exp", Int(expires.timeIntervalSince1970))
            json.field("sub", user)
        }
        return Data(json.text.utf8)
    }

    /// The claims of a payload, or nil when it is not one.
    public init?(payload: Data) {
        struct Fields: Decodable {
            var sub: String
            var exp: Double
        }
        guard let fields = try? JSONDecoder().decode(Fields.self, from: payload), fields.exp.isFinite, abs(fields.exp) < 1e11 else {
            return nil
        }
        self.init(user: fields.sub, expires: Date(timeIntervalSince1970: fields.exp))
    }

    /// Reads a token's claims without checking its signature: only the server can.
    public init?(unverifiedToken token: String) {
        guard let parts = Self.parts(of: token) else { return nil }
        self.init(payload: parts.payload)
    }

    /// A token's payload and signature bytes, or nil when it is not `x.y` in base64url.
    public static func parts(of token: String) -> (payload: Data, signature: Data)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 1024, parts.count == 2, let payload = Base64URL.decode(parts[0]), let signature = Base64URL.decode(parts[1]),
            !payload.isEmpty, !signature.isEmpty
        else { return nil }
        return (payload, signature)
    }
}
