import GroceryProtocol
import GroceryNLP
import Logging

/// What every connection handler shares: storage, the parser, the registry, settings.
struct ServerContext: Sendable {
    let configuration: ServerConfiguration
    let store: GroceryStore
    let parser: NLPParser
    let registry: ConnectionRegistry
    let logger: Logger
    let started = ContinuousClock.now
    let sessionQuota: SessionQuota

    init(configuration: ServerConfiguration, store: GroceryStore, parser: NLPParser, registry: ConnectionRegistry, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.parser = parser
        self.registry = registry
        self.logger = logger
        let limits = configuration.limits
        sessionQuota = SessionQuota(perUser: limits.newSessionsPerUserPerHour, perAddress: limits.newSessionsPerAddressPerHour)
    }
}

extension ServerContext {
    /// What a welcome announces of the per-connection message limit (nil when unlimited).
    var messageRate: MessageRate? {
        let limits = configuration.limits
        guard limits.messagesPerSecond > 0 else { return nil }
        return MessageRate(perSecond: limits.messagesPerSecond, burst: Int(limits.messageBurst))
    }
}
