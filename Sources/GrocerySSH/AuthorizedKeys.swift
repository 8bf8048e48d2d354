import Foundation
import GroceryProtocol
import NIOSSH

/// Who may log in to the shop over SSH (`--ssh-authorized-keys FILE`, DESIGN §8): an
/// OpenSSH `authorized_keys` file whose comments name the users. `ssh-ed25519 AAAA… alice`
/// lets that key in as `alice`, and only as `alice`. Options before the key type
/// (`restrict,pty ssh-ed25519 …`) are allowed and ignored; blank lines and `#` comments
/// are skipped.
public struct AuthorizedKeys: Sendable {
    /// Each listed key and the user it logs in as.
    public private(set) var users: [NIOSSHPublicKey: String] = [:]

    /// Key types a shopper may use: Ed25519 and ECDSA, as `--ssh-open` accepts too.
    public static let keyTypes: Set<String> = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"]

    /// Reads the file's text. Every line that cannot be used is an error naming its line:
    /// a shop that silently dropped a shopper's key would be hard to debug.
    public init(text: String) throws(Problem) {
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let number = index + 1
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let typeAt = fields.firstIndex(where: Self.keyTypes.contains), typeAt + 1 < fields.count else {
                throw Problem(line: number, reason: "no Ed25519 or ECDSA key (\(Self.keyTypes.sorted().joined(separator: ", ")))")
            }
            guard typeAt + 2 < fields.count else {
                throw Problem(line: number, reason: "the key has no comment: the comment is the user it logs in as")
            }
            let user = fields[(typeAt + 2)...].joined(separator: " ")
            guard UserID.isValid(user) else { throw Problem(line: number, reason: "\"\(user)\" is not a user id: \(UserID.rule)") }
            let key: NIOSSHPublicKey
            do {
                key = try NIOSSHPublicKey(openSSHPublicKey: fields[typeAt] + " " + fields[typeAt + 1])
            } catch {
                throw Problem(line: number, reason: "the key cannot be read (\(error))")
            }
            if let other = users[key], other != user {
                throw Problem(line: number, reason: "this key is listed for \"\(other)\" already: one key, one user")
            }
            users[key] = user
        }
    }

    /// Reads `path`.
    public init(path: String) throws(Problem) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(line: 0, reason: "cannot read \(path)")
        }
        try self.init(text: text)
    }

    /// The user `key` logs in as, when the SSH user name asked for is that user.
    public func user(for key: NIOSSHPublicKey, asking name: String) -> String? {
        users[key].flatMap { $0 == name ? $0 : nil }
    }

    /// A line that cannot be used, and why.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        /// 1-based; 0 for the file as a whole.
        public var line: Int
        public var reason: String
        public var description: String { line == 0 ? reason : "authorized keys, line \(line): \(reason)" }
    }
}
