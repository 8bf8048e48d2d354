import GroceryProtocol

/// Which cart-changing results wait for the shopper instead of being applied (DESIGN §5,
/// §7): those the engine is not sure of, and in the TUI clear and checkout. A held
/// result is reported by ``ClientEvent/held(id:_:)`` and applied by
/// ``GroceryClient/confirm(_:_:)``.
public struct Confirmation: Sendable, Equatable {
    /// Results below this confidence wait; nil applies every result (`pipe --apply-unsure`).
    public var below: Double?
    /// Intents that always wait.
    public var always: Set<Intent>

    /// Holds results below `below`, and every result whose intent is in `always`.
    public init(below: Double? = NLPResult.confirmationThreshold, always: Set<Intent> = []) {
        self.below = below
        self.always = always
    }

    /// Whether `result` waits for the shopper. Results that change nothing, or carry an
    /// error, never wait: there is nothing to apply.
    public func holds(_ result: NLPResult) -> Bool {
        guard result.intent.changesCart, result.error == nil else { return false }
        return always.contains(result.intent) || below.map { result.confidence < $0 } ?? false
    }
}
