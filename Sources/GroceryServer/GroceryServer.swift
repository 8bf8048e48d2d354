import Foundation
import GroceryNLP
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The ports a running server listens on (useful when they were asked for as 0).
public struct RunningPorts: Sendable, Equatable {
    /// Walmart channel, tRPC and `/health`.
    public var walmart: Int
    /// Grocery channel.
    public var grocery: Int
}

/// The grocery backend: the walmart channel, tRPC and `/health` on one port, the grocery
/// channel on another, SQLite storage, origin checks, rate limits and a graceful
/// shutdown that tells every client when to come back.
public final class GroceryServer: Sendable {
    private let configuration: ServerConfiguration
    private let logger: Logger
    private let store: GroceryStore
    private let group = Mutex<ServiceGroup?>(nil)

    /// Opens the database; the server starts with ``run(gracefulShutdownSignals:onRunning:)``.
    /// Throws ``ExposureError`` for a public address without tokens (see
    /// ``ServerConfiguration/checkExposure()``), before touching anything.
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        try configuration.checkExposure()
        self.configuration = configuration
        self.logger = logger
        store = try GroceryStore(path: configuration.databasePath)
    }

    /// Serves until a signal in `gracefulShutdownSignals` arrives or ``shutdown()`` is
    /// called, then drains (see ``ShutdownDrainer``) and closes the database.
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        onRunning: @escaping @Sendable (RunningPorts) async -> Void = { _ in }
    ) async throws {
        let context = ServerContext(
            configuration: configuration, store: store, parser: NLPParser(), registry: ConnectionRegistry(limits: configuration.limits),
            logger: logger)
        try await Expiry.once(context)

        let ports = PortCollector { ports in
            context.logger.notice("grocery server running", metadata: ["walmart": "\(ports.walmart)", "grocery": "\(ports.grocery)"])
            await onRunning(ports)
        }
        let walmart = application(
            port: configuration.walmartPort, context: context,
            endpoints: ["/ws/walmart": .walmart, "/trpc-ws": .trpc].merging(configuration.conformanceEchoPath.map { [$0: .echo] } ?? [:]) { $1 },
            onRunning: { await ports.set(walmart: $0) })
        let grocery = application(
            port: configuration.groceryPort, context: context,
            endpoints: ["/ws/grocery": .grocery, "/": .grocery], onRunning: { await ports.set(grocery: $0) })

        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: walmart),
                .init(service: grocery),
                .init(service: Expiry(context: context), successTerminationBehavior: .gracefullyShutdownGroup),
                .init(service: ShutdownDrainer(context: context), successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: gracefulShutdownSignals,
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGrace
        // After the grace, cancelled connections close at once; but ServiceLifecycle
        // aborts the process (SIGILL) if cancellation outlasts this, and on a loaded
        // 2-core machine a second of scheduling delay happens (seen in CI with 1 s).
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)
        group.withLock { $0 = serviceGroup }
        defer { group.withLock { $0 = nil } }
        do {
            try await serviceGroup.run()
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
        logger.notice("grocery server stopped")
    }

    /// Starts a graceful shutdown, as SIGTERM would.
    public func shutdown() async {
        let serviceGroup = group.withLock { $0 }
        await serviceGroup?.triggerGracefulShutdown()
    }

    private func application(
        port: Int, context: ServerContext, endpoints: [String: ChannelKind],
        onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some Service {
        let router = Router()
        let refusalToken = UUID().uuidString
        HealthRoute.add(to: router, context: context)
        RefusalRoute.add(to: router, token: refusalToken)
        let rules = UpgradeGate.Rules(
            paths: Set(endpoints.keys), allowedOrigins: Set(configuration.allowedOrigins), registry: context.registry, logger: logger,
            refusalToken: refusalToken)
        let tls = configuration.tls
        let server = HTTPServerBuilder { responder in
            let plain = GroceryChildChannel(responder: responder, endpoints: endpoints, rules: rules, context: context)
            guard let tls else { return plain }
            return try TLSChannel(plain, tlsConfiguration: tls)
        }
        return Application(
            router: router, server: server,
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: "grocery"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

/// Calls back once both ports are known.
private actor PortCollector {
    private var walmart: Int?
    private var grocery: Int?
    private let ready: @Sendable (RunningPorts) async -> Void

    init(ready: @escaping @Sendable (RunningPorts) async -> Void) {
        self.ready = ready
    }

    func set(walmart port: Int) async {
        walmart = port
        await fire()
    }

    func set(grocery port: Int) async {
        grocery = port
        await fire()
    }

    private func fire() async {
        guard let walmart, let grocery else { return }
        await ready(RunningPorts(walmart: walmart, grocery: grocery))
    }
}
