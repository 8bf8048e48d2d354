import Crypto
import Foundation
import NIOCore
import NIOSSH

/// The shop's SSH host key (DESIGN §8): an Ed25519 key, made on first start and kept in
/// a file of mode 0600, reused on every start after, so a shopper's `known_hosts` keeps
/// matching. The file is OpenSSH's own private-key format, unencrypted: `ssh-keygen -l -f`
/// prints its fingerprint, and a key made by `ssh-keygen -t ed25519 -N ""` can be given
/// instead.
public struct SSHHostKey: Sendable {
    /// The key the server signs with.
    public let privateKey: NIOSSHPrivateKey
    /// `ssh-ed25519 AAAA…`, as a `known_hosts` or `.pub` line holds it.
    public let openSSHPublicKey: String
    /// `SHA256:…`, as `ssh-keygen -l` and `ssh` print it.
    public let fingerprint: String

    init(_ key: Curve25519.Signing.PrivateKey) {
        privateKey = NIOSSHPrivateKey(ed25519Key: key)
        let blob = OpenSSHKeyFile.publicBlob(key.publicKey)
        openSSHPublicKey = "ssh-ed25519 " + Data(blob).base64EncodedString()
        fingerprint = SSHFingerprint.of(blob: blob)
    }

    /// Reads the key at `path`, or makes one there (folders too, the file 0600) when there
    /// is no file. A file that is there but cannot be read as an Ed25519 key is an error,
    /// never replaced: the shop's identity is not changed behind its shoppers' backs.
    public static func loadOrCreate(at path: String) throws(SSHKeyError) -> (key: SSHHostKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .unreadable(path: path, reason: "not readable as text")
            }
            do {
                return (SSHHostKey(try OpenSSHKeyFile.decode(text)), false)
            } catch {
                throw .unreadable(path: path, reason: error.reason)
            }
        }
        let key = Curve25519.Signing.PrivateKey()
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: path, reason: "\(error)")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        let bytes = Array(OpenSSHKeyFile.encode(key, comment: "grocery host key").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else {
            unlink(path)
            throw .unwritable(path: path, reason: "short write")
        }
        return (SSHHostKey(key), true)
    }
}

/// Why a key file could not be used.
public enum SSHKeyError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot use the SSH host key \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write the SSH host key \(path): \(reason)"
        }
    }
}

/// Key fingerprints as OpenSSH prints them.
public enum SSHFingerprint {
    /// `SHA256:` and the base64 of the SHA-256 of the key's wire-format blob, unpadded.
    public static func of(blob: [UInt8]) -> String {
        let digest = Data(SHA256.hash(data: blob)).base64EncodedString()
        return "SHA256:" + digest.trimmingCharacters(in: CharacterSet(charactersIn: "="))
    }

    /// The fingerprint of an OpenSSH public key line (`ssh-ed25519 AAAA… comment`), or nil.
    public static func of(openSSHPublicKey line: String) -> String? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let blob = Data(base64Encoded: String(fields[1])) else { return nil }
        return of(blob: Array(blob))
    }
}
