import Crypto
import Foundation
import SwiftASN1
import X509

/// A fresh self-signed P-256 certificate (by default for `localhost` and 127.0.0.1) and
/// its key, written as PEM files to a temporary folder (what `openssl req -x509` makes).
public struct TestCertificate: Sendable {
    /// The certificate (also the only trust root a client needs).
    public let certificateFile: String
    /// Its private key (PKCS#8).
    public let keyFile: String

    /// A certificate for these DNS names and IPv4 addresses.
    public init(names: [String] = ["localhost"], addresses: [[UInt8]] = [[127, 0, 0, 1]]) throws {
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let name = try DistinguishedName { CommonName(names.first ?? "test") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(24 * 3600),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames(names.map { .dnsName($0) } + addresses.map { .ipAddress(ASN1OctetString(contentBytes: ArraySlice($0))) })
                try ExtendedKeyUsage([.serverAuth])
                // No KeyUsage: BoringSSL counts a self-issued certificate as self-signed
                // (so usable as its own trust root) only if KeyUsage, when present, allows keyCertSign.
            },
            issuerPrivateKey: key)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("grocery-tls-\(UUID().uuidString)").path
        certificateFile = base + ".crt.pem"
        keyFile = base + ".key.pem"
        try certificate.serializeAsPEM().pemString.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try signingKey.pemRepresentation.write(toFile: keyFile, atomically: true, encoding: .utf8)
    }

    /// Deletes both files.
    public func remove() {
        try? FileManager.default.removeItem(atPath: certificateFile)
        try? FileManager.default.removeItem(atPath: keyFile)
    }
}
