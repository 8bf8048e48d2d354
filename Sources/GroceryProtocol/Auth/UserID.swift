/// What a user id may look like: it names a cart and appears in logs and tokens.
public enum UserID {
    /// The rule, for error messages.
    public static let rule = "\"userId\" must be 1 to 64 letters, digits or . _ - @"

    /// Whether `id` follows ``rule``.
    public static func isValid(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0)) }
    }
}
