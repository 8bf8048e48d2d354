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
}

extension ServerContext {
    /// What a welcome announces of the per-connection message limit (nil when unlimited).
    var messageRate: MessageRate? {
        let limits = configuration.limits
        guard limits.messagesPerSecond > 0 else { return nil }
        return MessageRate(perSecond: limits.messagesPerSecond, burst: Int(limits.messageBurst))
    }
}
