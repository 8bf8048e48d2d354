/// The aisles of the catalog.
public enum ProductCategory: String, Codable, CaseIterable, Sendable {
    case produce, dairy, bakery, meat, pantry, frozen, beverages, snacks, household
    case personalCare = "personal_care"
    case baby, pet

    /// Name for people, e.g. "Dairy & Eggs".
    public var displayName: String {
        switch self {
        case .produce: "Produce"
        case .dairy: "Dairy & Eggs"
        case .bakery: "Bakery"
        case .meat: "Meat & Seafood"
        case .pantry: "Pantry"
        case .frozen: "Frozen"
        case .beverages: "Beverages"
        case .snacks: "Snacks"
        case .household: "Household"
        case .personalCare: "Personal Care"
        case .baby: "Baby"
        case .pet: "Pet"
        }
    }
}
