import NIOSSL
import Synchronization

/// How `wss://` servers are verified: against the system trust store, or only against
/// the certificates of a PEM file (`--ca-file`, e.g. a self-signed demo certificate),
/// as curl's `--cacert` does.
public struct ClientTLS: Sendable {
    private let trustRoots: NIOSSLTrustRoots
    private let context = ContextCache()

    /// The system trust store.
    public init() {
        trustRoots = .default
    }

    /// Only the certificates in `caFile`; throws when it holds no PEM certificate.
    public init(caFile: String) throws(ClientTLSError) {
        do {
            let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
            guard !certificates.isEmpty else { throw ClientTLSError(message: "no certificate in \(caFile)") }
            trustRoots = .certificates(certificates)
        } catch let error as ClientTLSError {
            throw error
        } catch {
            throw ClientTLSError(message: "cannot read a PEM certificate from \(caFile): \(error)")
        }
    }

    /// The context every `wss://` connection shares, made on first use.
    func sslContext() throws(ClientTLSError) -> NIOSSLContext {
        try context.get {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = trustRoots
            configuration.minimumTLSVersion = .tlsv12
            return try NIOSSLContext(configuration: configuration)
        }
    }

    /// Made once: loading the system store reads a file of a few hundred certificates.
    private final class ContextCache: Sendable {
        private let made = Mutex<NIOSSLContext?>(nil)

        func get(_ make: () throws -> NIOSSLContext) throws(ClientTLSError) -> NIOSSLContext {
            do {
                return try made.withLock { made in
                    if let made { return made }
                    let context = try make()
                    made = context
                    return context
                }
            } catch {
                throw ClientTLSError(message: "TLS setup failed: \(error)")
            }
        }
    }
}

/// Why TLS could not be set up or was refused; retrying cannot help.
public struct ClientTLSError: Error, Sendable, CustomStringConvertible {
    /// For people.
    public var message: String
    public var description: String { message }
}
