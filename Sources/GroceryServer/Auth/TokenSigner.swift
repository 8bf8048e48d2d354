import Crypto
import Foundation
import GroceryProtocol

/// Makes and checks user tokens (``TokenClaims``) with HMAC-SHA256 over a shared secret.
public struct TokenSigner: Sendable {
    /// Fewest bytes a secret may have (256 bits).
    public static let minimumSecretBytes = 32

    private let key: SymmetricKey

    /// A signer for `secret`; throws when it is shorter than ``minimumSecretBytes``.
    public init(secret: Data) throws(TokenSecretError) {
        guard secret.count >= Self.minimumSecretBytes else { throw .tooShort(bytes: secret.count) }
        key = SymmetricKey(data: secret)
    }

    /// A signer for the secret in a file: its bytes, trailing white space and newlines
    /// removed (so `echo`, editors and `base64` output all work).
    public init(secretFile path: String) throws(TokenSecretError) {
        guard let contents = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        var secret = contents
        while let last = secret.last, [0x20, 0x09, 0x0A, 0x0D].contains(last) { secret.removeLast() }
        try self.init(secret: secret)
    }

    /// A token for `claims`.
    public func token(for claims: TokenClaims) -> String {
        let payload = claims.payload
        let signature = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Base64URL.encode(payload) + "." + Base64URL.encode(Data(signature))
    }

    /// The claims of a token this signer made that has not expired at `now`.
    public func verify(_ token: String, now: Date = Date()) -> Result<TokenClaims, TokenRejection> {
        guard let (payload, signature) = TokenClaims.parts(of: token) else { return .failure(.malformed) }
        // Constant time: the comparison never tells how much of a forged signature was right.
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key) else {
            return .failure(.badSignature)
        }
        guard let claims = TokenClaims(payload: payload), UserID.isValid(claims.user) else { return .failure(.malformed) }
        guard now < claims.expires else { return .failure(.expired(claims.expires)) }
        return .success(claims)
    }
}

/// Why a secret cannot be used.
public enum TokenSecretError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer bytes than ``TokenSigner/minimumSecretBytes``.
    case tooShort(bytes: Int)
    /// The file is missing or unreadable.
    case unreadable(path: String)

    public var description: String {
        switch self {
        case .tooShort(let bytes):
            "the secret has \(bytes) bytes; it needs at least \(TokenSigner.minimumSecretBytes) (make one with: head -c 32 /dev/urandom | base64 > grocery.secret)"
        case .unreadable(let path):
            "cannot read the secret file \(path)"
        }
    }
}

/// Why a token was not accepted; the text goes into the 4401 close reason.
public enum TokenRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a token at all.
    case malformed
    /// Not signed with this server's secret (forged, or another server's).
    case badSignature
    /// Past its expiry.
    case expired(Date)

    public var description: String {
        switch self {
        case .malformed: "the token is malformed"
        case .badSignature: "the token's signature is not valid"
        case .expired(let date): "the token expired at \(date.formatted(.iso8601))"
        }
    }
}
