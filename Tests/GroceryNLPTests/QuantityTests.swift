import GroceryProtocol
import Testing

@testable import GroceryNLP

@Suite("Quantities and units")
struct QuantityTests {
    let parser = NLPParser.shared

    private func first(_ text: String) -> NLPItem? { parser.parse(text).items.first }

    @Test(
        "quantity forms",
        arguments: [
            ("add 2 milk", 2.0), ("add 2.5 lb apples", 2.5), ("add 1/2 lb cheddar", 0.5), ("add 1 1/2 lb ham", 1.5),
            ("1 and a half pounds of chicken", 1.5), ("add 2 and half lbs of beef", 2.5), ("2 lb bag of carrots", 1),
            ("add ½ lb turkey", 0.5), ("add half a gallon of milk", 0.5), ("add twelve eggs", 12), ("add twenty eggs", 20),
            ("add twenty five limes", 25), ("add a banana", 1), ("add an avocado", 1), ("add a couple of avocados", 2),
            ("add a couple avocados", 2), ("add a few lemons", 3), ("add 2 x milk", 2), ("add 2x milk", 2),
            ("add milk x2", 2), ("water x6", 6), ("add apples x 4", 4), ("eggs, 2 dozen", 2), ("add one and a half lb beef", 1.5),
        ])
    func quantities(_ text: String, _ expected: Double) throws {
        let item = try #require(first(text), "\(text)")
        #expect(item.quantity == expected, "\(text)")
        #expect(item.product != nil, "\(text)")
    }

    @Test(
        "unit spellings normalise to DESIGN's list",
        arguments: [
            ("2 lbs of beef", QuantityUnit.lb), ("2 pounds of beef", .lb), ("2lb beef", .lb), ("12 oz cheddar", .oz),
            ("3 ounces of cheddar", .oz), ("1 kg potatoes", .kg), ("2 kilos of potatoes", .kg), ("500g strawberries", .g),
            ("200 grams of cheddar", .g), ("1 gal milk", .gallon), ("2 gallons of milk", .gallon), ("a quart of milk", .quart),
            ("2 qt milk", .quart), ("a pint of blueberries", .pint), ("2 liters of soda", .liter), ("1 l soda", .liter),
            ("a litre of soda", .liter), ("750 ml olive oil", .ml), ("a dozen eggs", .dozen), ("2 dozen eggs", .dozen),
            ("2 packs of bacon", .pack), ("a 12 pack of coke", .pack), ("a case of water", .pack), ("a bag of rice", .bag),
            ("2 boxes of cereal", .box), ("a bottle of ketchup", .bottle), ("2 cans of tuna", .can), ("3 tins of tuna", .can),
            ("a jar of salsa", .jar), ("a bunch of bananas", .bunch), ("2 bunches of cilantro", .bunch),
            ("a loaf of bread", .loaf), ("2 loaves of bread", .loaf), ("a carton of eggs", .carton),
            ("2 sticks of butter", .stick), ("a head of lettuce", .head), ("3 heads of broccoli", .head),
            ("4 apples", .each), ("3 pieces of salmon", .each),
        ])
    func units(_ text: String, _ unit: QuantityUnit) throws {
        let item = try #require(first(text), "\(text)")
        #expect(item.unit == unit, "\(text)")
        #expect(item.product != nil, "\(text)")
    }

    @Test(
        "a quantity of zero, below zero, not finite or above 999 is refused with a reason",
        arguments: ["add 0 apples", "add -2 apples", "add 1000 eggs", "add 1,000 eggs", "add a million apples",
                    "add 1/0 apples", "add 99999999999999999999999 apples", "set bananas to 1000", "add zero apples"])
    func refused(_ text: String) throws {
        let result = parser.parse(text)
        let error = try #require(result.error, "\(text)")
        #expect(error.code == .invalidQuantity)
        #expect(error.message.contains("at most 999"))
    }

    @Test("the largest and smallest accepted quantities pass")
    func bounds() {
        #expect(parser.parse("add 999 apples").error == nil)
        #expect(parser.parse("add 0.25 lb ham").error == nil)
    }

    @Test("a number that is part of a name is not a quantity")
    func numbersInNames() throws {
        let item = try #require(first("add 2% milk"))
        #expect(item.quantity == 1)
        #expect(item.product?.id.hasPrefix("milk-2pct") == true)
        let two = try #require(first("add 2 2% milk"))
        #expect(two.quantity == 2)
        #expect(two.product?.id.hasPrefix("milk-2pct") == true)
    }

    @Test("half and half is a product, not a quantity")
    func halfAndHalf() throws {
        let result = parser.parse("add half and half and 2 heads of lettuce")
        #expect(result.items.count == 2)
        #expect(result.items.first?.product?.name.contains("Half and Half") == true)
        #expect(result.items.first?.quantity == 1)
        #expect(result.items.last?.unit == .head)
    }

    @Test(
        "scientific notation is one number: what is out of range is refused, never read as its exponent",
        arguments: [("add 1e-400 milk", 0.0), ("add 2e3 milk", 2000), ("add 1E-5 milk", 0.00001), ("add 1.5e1 limes", 15), ("add 1e+2 limes", 100)])
    func scientific(_ text: String, _ expected: Double) throws {
        let result = parser.parse(text)
        #expect(result.items.count == 1, "\(text): \(result.items.map(\.phrase))")
        let item = try #require(result.items.first)
        #expect(item.quantity == expected, "\(text)")
        #expect(item.product != nil, "\(text)")
        let refused = !(expected > 0 && expected <= NLPResult.maxQuantity)
        #expect((result.error?.code == .invalidQuantity) == refused, "\(text): \(String(describing: result.error))")
    }
}
