/// The unit a quantity is said in, normalised to DESIGN §5's list.
///
/// `each` is used when no unit is said ("3 apples").
public enum QuantityUnit: String, Codable, CaseIterable, Sendable {
    case each, lb, oz, kg, g, gallon, quart, pint, liter, ml, dozen
    case pack, bag, box, bottle, can, jar, bunch, loaf, carton, stick, head
}
