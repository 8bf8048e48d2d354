import Foundation
import GroceryServer
import Logging
import Testing

/// A real GroceryServer in this process on 127.0.0.1 with free ports and a throw-away database.
public final class TestServer: Sendable {
    public let server: GroceryServer
    public let ports: RunningPorts
    private let task: Task<Void, any Error>

    /// `ws`, or `wss` when the server was started with TLS.
    public let scheme: String

    public var walmartURL: String { "\(scheme)://127.0.0.1:\(ports.walmart)/ws/walmart" }
    public var groceryURL: String { "\(scheme)://127.0.0.1:\(ports.grocery)/ws/grocery" }
    public var trpcURL: String { "\(scheme)://127.0.0.1:\(ports.walmart)/trpc-ws" }

    private init(server: GroceryServer, ports: RunningPorts, task: Task<Void, any Error>, scheme: String) {
        self.server = server
        self.ports = ports
        self.task = task
        self.scheme = scheme
    }

    public static func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.walmartPort = 0
        configuration.groceryPort = 0
        configuration.databasePath = ":memory:"
        configuration.shutdownGrace = .seconds(2)
        configure(&configuration)
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        let server = try GroceryServer(configuration: configuration, logger: logger)
        let (stream, continuation) = AsyncStream<RunningPorts>.makeStream()
        let task = Task {
            defer { continuation.finish() }  // a run that fails before its ports ends the wait below
            try await server.run(gracefulShutdownSignals: []) { ports in continuation.yield(ports) }
        }
        let started = try await withDeadline(.seconds(60), {
            var iterator = stream.makeAsyncIterator()
            return await iterator.next()
        }, onTimeout: { continuation.finish() })
        guard let ports = started ?? nil else {
            await server.shutdown()
            _ = try await task.value  // the reason it did not start, if it threw
            throw TestFailure("the server did not start within 60 s")
        }
        return TestServer(server: server, ports: ports, task: task, scheme: configuration.tls == nil ? "ws" : "wss")
    }

    /// Graceful shutdown, and waits (bounded) for `run` to return.
    public func stop() async throws {
        await server.shutdown()
        let task = self.task
        guard try await withDeadline(.seconds(60), { try await task.value }, onTimeout: { task.cancel() }) != nil else {
            throw TestFailure("the server did not stop within 60 s")
        }
    }
}

/// Runs `body` against a fresh server and always stops it.
public func withServer(
    _ configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(configure)
    do {
        try await body(server)
    } catch {
        try? await server.stop()
        throw error
    }
    try await server.stop()
}
