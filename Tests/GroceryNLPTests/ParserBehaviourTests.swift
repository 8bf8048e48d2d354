import GroceryProtocol
import Testing

@testable import GroceryNLP

@Suite("Parser behaviour")
struct ParserBehaviourTests {
    let parser = NLPParser.shared

    @Suite("Items")
    struct Items {
        let parser = NLPParser.shared

        @Test("a run of products without commas splits into products")
        func runs() {
            let result = parser.parse("add milk eggs bread and cheese")
            #expect(result.items.map(\.phrase) == ["milk", "eggs", "bread", "cheese"])
            #expect(result.items.allSatisfy { $0.product != nil })
        }

        @Test("a new number starts a new item")
        func numbersSplit() {
            let result = parser.parse("2 milk 3 eggs")
            #expect(result.items.map(\.quantity) == [2, 3])
            #expect(result.items.map(\.phrase) == ["milk", "eggs"])
        }

        @Test("words the catalog lacks match nothing rather than something random")
        func noMatch() {
            let result = parser.parse("add quinoa")
            #expect(result.intent == .add)
            #expect(result.items.first?.product == nil)
            #expect(result.confidence < 0.5)
        }

        @Test("a generic word picks its default product; more words override it")
        func defaults() {
            #expect(parser.parse("soda").items.first?.product?.id == "cola-12pk-cans")
            #expect(parser.parse("diet soda").items.first?.product?.name.contains("Diet") == true)
            #expect(parser.parse("bread").items.first?.product?.id == "bread-white-sandwich")
            #expect(parser.parse("sourdough bread").items.first?.product?.name.contains("Sourdough") == true)
            #expect(parser.parse("oranges").items.first?.product?.name.contains("Oranges") == true)
        }

        @Test("alternatives are other products, at most three")
        func alternatives() throws {
            let item = try #require(parser.parse("add milk").items.first)
            #expect(!item.alternatives.isEmpty && item.alternatives.count <= 3)
            #expect(!item.alternatives.contains { $0.id == item.product?.id })
        }
    }

    @Suite("Filters")
    struct Filters {
        let parser = NLPParser.shared

        @Test(
            "price limits are read and respected",
            arguments: [("cereal under $5", 5.0), ("find coffee less than 10 dollars", 10), ("chips below $3.50", 3.5),
                        ("add ice cream for under 5 bucks", 5), ("shampoo $4 or less", 4), ("cheese cheaper than $3", 3)])
        func maxPrice(_ text: String, _ limit: Double) throws {
            let result = parser.parse(text)
            #expect(result.filters.maxPrice == limit)
            let product = try #require(result.items.first?.product, "\(text)")
            #expect(product.price <= limit)
            #expect(result.items.first?.alternatives.allSatisfy { $0.price <= limit } == true)
            #expect(!result.items[0].phrase.contains("under"))
        }

        @Test("a weight after 'under' is not a price")
        func weightIsNotPrice() {
            #expect(parser.parse("add apples under 2 lbs").filters.maxPrice == nil)
        }
    }

    @Suite("Bad input")
    struct BadInput {
        let parser = NLPParser.shared

        @Test("empty and blank text is unknown with a reason", arguments: ["", " ", "\t\n", "   \u{3000}"])
        func empty(_ text: String) {
            let result = parser.parse(text)
            #expect(result.intent == .unknown)
            #expect(result.items.isEmpty)
            #expect(result.error?.code == .emptyQuery)
        }

        @Test("a 100 KB line is refused quickly with a reason, not parsed")
        func huge() {
            let text = String(repeating: "add milk ", count: 12_000)
            let result = parser.parse(text)
            #expect(result.error?.code == .tooLong)
            #expect(result.text.count == NLPResult.maxTextLength)
            #expect(result.intent == .unknown)
        }

        @Test(
            "junk is unknown, never a random product",
            arguments: ["what's the weather like", "tell me a joke", "hello", "SELECT * FROM users; --", "🚀🎉", "\u{0}\u{1}\u{2}", "日本語のテキスト", "asdfghjkl qwerty",
                        "<script>alert(1)</script>", "%s%s%s%n", "../../etc/passwd",
                        // store services, payment, returns, people: "can i pay with paypal" once added cans of cola
                        "where's the nearest store", "can i pay with paypal", "i need to return something", "i want to speak to a manager",
                        "do you deliver"])
        func junk(_ text: String) {
            let result = parser.parse(text)
            #expect(result.intent == .unknown, "\(text) → \(result.intent) \(result.items.map { $0.product?.id ?? "-" })")
            #expect(result.items.isEmpty)
        }

        @Test("a verb with nothing after it names the intent and says what is missing")
        func missingItem() {
            #expect(parser.parse("add").error?.code == .missingItem)
            #expect(parser.parse("remove").error?.code == .missingItem)
            #expect(parser.parse("change the milk").error?.code == .missingQuantity)
        }
    }
}
