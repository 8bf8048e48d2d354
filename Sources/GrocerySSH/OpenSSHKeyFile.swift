import Crypto
import Foundation

/// OpenSSH's private-key file format (`PROTOCOL.key`), for one unencrypted Ed25519 key:
/// the only kind the shop's host key is. Written so `ssh-keygen` reads it, and read so a
/// key `ssh-keygen -t ed25519 -N ""` made can be used.
enum OpenSSHKeyFile {
    struct Failure: Error {
        var reason: String
    }

    private static let begin = "-----BEGIN OPENSSH PRIVATE KEY-----"
    private static let end = "-----END OPENSSH PRIVATE KEY-----"
    private static let magic = Array("openssh-key-v1".utf8) + [0]

    /// The wire-format public key: `string "ssh-ed25519"`, `string key`.
    static func publicBlob(_ key: Curve25519.Signing.PublicKey) -> [UInt8] {
        var blob: [UInt8] = []
        appendString(Array("ssh-ed25519".utf8), to: &blob)
        appendString(Array(key.rawRepresentation), to: &blob)
        return blob
    }

    static func encode(_ key: Curve25519.Signing.PrivateKey, comment: String) -> String {
        let publicKey = Array(key.publicKey.rawRepresentation)
        var secret: [UInt8] = []
        let check = UInt32.random(in: .min ... .max)
        appendUInt32(check, to: &secret)
        appendUInt32(check, to: &secret)
        appendString(Array("ssh-ed25519".utf8), to: &secret)
        appendString(publicKey, to: &secret)
        appendString(Array(key.rawRepresentation) + publicKey, to: &secret)  // seed, then the public half
        appendString(Array(comment.utf8), to: &secret)
        var pad: UInt8 = 1
        while secret.count % 8 != 0 {
            secret.append(pad)
            pad += 1
        }
        var body = magic
        appendString(Array("none".utf8), to: &body)  // cipher
        appendString(Array("none".utf8), to: &body)  // kdf
        appendString([], to: &body)  // kdf options
        appendUInt32(1, to: &body)
        appendString(publicBlob(key.publicKey), to: &body)
        appendString(secret, to: &body)
        let encoded = Data(body).base64EncodedString()
        var lines = [begin]
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let next = encoded.index(index, offsetBy: 70, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<next]))
            index = next
        }
        lines.append(end)
        return lines.joined(separator: "\n") + "\n"
    }

    static func decode(_ text: String) throws(Failure) -> Curve25519.Signing.PrivateKey {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.firstIndex(of: begin), let last = lines.lastIndex(of: end), first < last else {
            throw Failure(reason: "not an OpenSSH private key (no BEGIN/END OPENSSH PRIVATE KEY lines)")
        }
        guard let data = Data(base64Encoded: lines[(first + 1)..<last].joined()) else { throw Failure(reason: "its body is not base64") }
        var reader = Reader(bytes: Array(data))
        guard try reader.take(magic.count) == magic else { throw Failure(reason: "not an openssh-key-v1 key") }
        guard try reader.string() == Array("none".utf8) else { throw Failure(reason: "it is encrypted; give a key without a passphrase") }
        _ = try reader.string()  // kdf
        _ = try reader.string()  // kdf options
        guard try reader.uint32() == 1 else { throw Failure(reason: "it holds more than one key") }
        _ = try reader.string()  // the public blob, repeated inside
        var secret = Reader(bytes: try reader.string())
        let (check, again) = (try secret.uint32(), try secret.uint32())
        guard check == again else { throw Failure(reason: "its check numbers differ (damaged)") }
        guard try secret.string() == Array("ssh-ed25519".utf8) else { throw Failure(reason: "only Ed25519 host keys are supported") }
        let publicKey = try secret.string()
        let pair = try secret.string()
        guard pair.count == 64, publicKey.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: pair.prefix(32)),
            Array(key.publicKey.rawRepresentation) == publicKey
        else {
            throw Failure(reason: "its Ed25519 key is damaged")
        }
        return key
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func appendString(_ value: [UInt8], to bytes: inout [UInt8]) {
        appendUInt32(UInt32(value.count), to: &bytes)
        bytes += value
    }

    /// Reads SSH wire fields; running out is a damaged file.
    private struct Reader {
        var bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) throws(Failure) -> [UInt8] {
            guard count >= 0, bytes.count - offset >= count else { throw Failure(reason: "it ends too soon (damaged)") }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func uint32() throws(Failure) -> UInt32 {
            try take(4).reduce(0) { $0 << 8 | UInt32($1) }
        }

        mutating func string() throws(Failure) -> [UInt8] {
            try take(Int(try uint32()))
        }
    }
}
