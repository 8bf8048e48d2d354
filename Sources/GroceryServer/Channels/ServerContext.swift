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
