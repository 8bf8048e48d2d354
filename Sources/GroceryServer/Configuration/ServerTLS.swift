import NIOSSL

/// The TLS settings of `--tls-cert-file` / `--tls-key-file`.
public enum ServerTLS {
    /// Loads a PEM certificate chain (leaf first) and its private key, and checks that
    /// they make a usable server context, so a bad file stops the server at start.
    public static func configuration(certificateFile: String, keyFile: String) throws(ServerTLSError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw ServerTLSError(message: "cannot read a PEM certificate from \(certificateFile): \(error)")
        }
        guard !chain.isEmpty else { throw ServerTLSError(message: "no certificate in \(certificateFile)") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw ServerTLSError(message: "cannot read a PEM private key from \(keyFile): \(error)")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: tls)
        } catch {
            throw ServerTLSError(message: "the certificate and key do not make a TLS context (do they belong together?): \(error)")
        }
        return tls
    }
}

/// Why the TLS files cannot be used.
public struct ServerTLSError: Error, Sendable, CustomStringConvertible {
    /// For people.
    public var message: String
    public var description: String { message }
}
