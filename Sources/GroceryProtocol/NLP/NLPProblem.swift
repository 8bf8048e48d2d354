/// Why a query could not be acted on as said; a result carrying one changes nothing.
public struct NLPProblem: Codable, Hashable, Sendable, Error {
    /// Machine-readable reason.
    public enum Code: String, Codable, Sendable {
        /// The text was empty or only blanks.
        case emptyQuery = "empty_query"
        /// The text was longer than the parser reads.
        case tooLong = "too_long"
        /// A quantity was zero, negative, not a number, or above the maximum.
        case invalidQuantity = "invalid_quantity"
        /// An add/remove/update named no item.
        case missingItem = "missing_item"
        /// An update named no new quantity.
        case missingQuantity = "missing_quantity"
    }

    /// Machine-readable reason.
    public var code: Code
    /// A sentence for the shopper.
    public var message: String

    /// Creates a problem.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}
