/// How much of a product a cart line holds, in one measure (DESIGN §4): thousandths of a
/// package, of a pound, or, when `counted`, of a piece of a product sold by the pound,
/// bought at the catalog's estimated piece weight ("4 apples"). The server's cart rules
/// and the TUI's queued lines do their sums with it, so a line reads the same in both.
public struct LineAmount: Equatable, Sendable {
    /// The quantity in thousandths of the line's measure.
    public var milli: Int
    /// Pieces of a product sold by the pound, rather than its weight.
    public var counted: Bool

    /// Creates an amount.
    public init(milli: Int, counted: Bool) {
        self.milli = milli
        self.counted = counted
    }

    /// Nothing, in `counted`'s measure.
    public static func zero(counted: Bool) -> LineAmount { LineAmount(milli: 0, counted: counted) }

    /// The weight in thousandths of a pound that a counted amount is estimated at
    /// (pieces × `pieceWeightMilli`, a pound a piece when the catalog no longer says), or
    /// the quantity itself.
    public func weightMilli(pieceWeightMilli: Int?) -> Int {
        counted ? milli / 1000 * (pieceWeightMilli ?? 1000) : milli
    }

    /// This amount and `other` together. Pieces and pounds of one product make a weight:
    /// "4 apples" then "1 lb of apples" is about 2.5 lb of apples.
    public func adding(_ other: LineAmount, pieceWeightMilli: Int?) -> LineAmount {
        counted == other.counted
            ? LineAmount(milli: milli + other.milli, counted: counted)
            : LineAmount(milli: weightMilli(pieceWeightMilli: pieceWeightMilli) + other.weightMilli(pieceWeightMilli: pieceWeightMilli), counted: false)
    }

    /// This amount less `other`, never below zero; across measures, as weights ("remove a
    /// pound" of 4 apples leaves about half a pound).
    public func removing(_ other: LineAmount, pieceWeightMilli: Int?) -> LineAmount {
        counted == other.counted
            ? LineAmount(milli: max(0, milli - other.milli), counted: counted)
            : LineAmount(
                milli: max(0, weightMilli(pieceWeightMilli: pieceWeightMilli) - other.weightMilli(pieceWeightMilli: pieceWeightMilli)),
                counted: false)
    }
}
