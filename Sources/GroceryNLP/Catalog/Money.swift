/// Conversions between integer cents (how money is kept) and decimal dollars (how it is shown).
public enum Money {
    /// Dollars as a `Double` with two decimal places, e.g. 348 → 3.48.
    public static func dollars(cents: Int) -> Double {
        Double(cents) / 100
    }

    /// Whole cents for a dollar amount, or nil when it is negative, not finite or absurd.
    public static func cents(dollars: Double) -> Int? {
        guard dollars.isFinite, dollars >= 0, dollars < 10_000_000 else { return nil }
        return Int((dollars * 100).rounded())
    }

    /// "$3.48"
    public static func format(cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = abs(cents)
        let fraction = magnitude % 100
        return "\(sign)$\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
