import GroceryProtocol
import Testing

@testable import GroceryNLP

/// Clauses that change what the rest of a query means (docs/NLP.md): corrections,
/// exclusions, remarks, superlatives, compounds. The phrasings are this suite's own;
/// the held-out set (`Fixtures/heldout.jsonl`) is scored separately and never tuned on.
@Suite("Understanding: clauses, superlatives, compounds")
struct ClauseTests {
    static let parser = NLPParser.shared

    struct Expectation: Sendable, CustomTestStringConvertible {
        var text: String
        var intent: Intent
        /// Per item: acceptable product ids and the quantity.
        var items: [(ids: Set<String>, quantity: Double)]
        var testDescription: String { text.debugDescription }
    }

    static func check(_ want: Expectation) {
        let result = parser.parse(want.text)
        #expect(result.intent == want.intent, "\(result.intent)")
        #expect(result.items.count == want.items.count, "\(result.items.map { ($0.phrase, $0.product?.id ?? "none") })")
        for (item, expected) in zip(result.items, want.items) {
            #expect(expected.ids.contains(item.product?.id ?? "none"), "\(item.phrase) → \(item.product?.id ?? "none")")
            #expect(item.quantity == expected.quantity, "\(item.phrase)")
        }
    }

    static let corrections: [Expectation] = [
        .init(text: "add 3 limes, no wait 4", intent: .add, items: [(["lime"], 4)]),
        .init(text: "3 bananas, no 4, and a red bull", intent: .add, items: [(["banana"], 4), (["energy-drink-red-bull-4pk"], 1)]),
        .init(text: "put 2 pears in, no make that 6", intent: .add, items: [(["pears-bartlett"], 6)]),
        .init(text: "grab cheddar... actually make that mozzarella", intent: .add,
              items: [(["cheese-mozzarella-shredded", "cheese-mozzarella-fresh", "cheese-mozzarella-string-12ct"], 1)]),
        .init(text: "add bread and 2 cheddar, I mean 2 mozzarella", intent: .add,
              items: [(["bread-white-sandwich", "bread-white-classic"], 1), (["cheese-mozzarella-shredded", "cheese-mozzarella-fresh", "cheese-mozzarella-string-12ct"], 2)]),
        .init(text: "get 5 onions sorry, 3", intent: .add, items: [(["onion-yellow-3lb", "onion-red", "onion-white"], 3)]),
    ]

    static let exclusions: [Expectation] = [
        .init(text: "add some chips, nothing spicy", intent: .add, items: [(["chips-lays-classic", "chips-ruffles-original", "chips-pringles-original"], 1)]),
        .init(text: "add some rice but not brown rice", intent: .add,
              items: [(["rice-white-long-grain-2lb", "rice-white-long-grain-10lb", "rice-jasmine", "rice-basmati", "rice-ready-original"], 1)]),
        .init(text: "i need crackers, no saltines", intent: .add, items: [(["crackers-ritz", "crackers-cheez-it", "crackers-goldfish", "crackers-triscuit"], 1)]),
        .init(text: "get pears but not the baby food kind", intent: .add, items: [(["pears-bartlett"], 1)]),
    ]

    static let remarks: [Expectation] = [
        .init(text: "take the onions off, we have loads", intent: .remove, items: [(["onion-yellow-3lb", "onion-red", "onion-white", "green-onions-bunch"], 1)]),
        .init(text: "add milk, i think we ran out", intent: .add, items: [(["milk-whole-gallon", "milk-whole-half-gallon", "milk-2pct-gallon"], 1)]),
        .init(text: "okay I'm all done, check me out", intent: .checkout, items: []),
        .init(text: "remove the cola, too much sugar", intent: .remove, items: [(["cola-12pk-cans"], 1)]),
        .init(text: "add bagels, wife wants them toasted", intent: .add, items: [(["bagels-plain-6ct"], 1)]),
        // Without a comma: the remark starts at its subject or reason, after a product said whole.
        .init(text: "remove the red onions we have plenty at home", intent: .remove, items: [(["onion-red"], 1)]),
        .init(text: "whats the cheapest shampoo bc im broke", intent: .search, items: [(["shampoo-suave-ocean-breeze"], 1)]),
        // A part that starts like a remark and is not a product said whole is no item.
        .init(text: "pampers cruisers size 4, kid is growing so fast ugh", intent: .add, items: [(["diapers-pampers-cruisers-size4"], 1)]),
        .init(text: "2 cans of tomato soup and, if it's not too much trouble, a can of chicken noodle", intent: .add,
              items: [(["soup-tomato"], 2), (["soup-chicken-noodle"], 1)]),
    ]

    /// A superlative over an aisle or the store names no product: any product there.
    static let scopes: [Expectation] = [
        .init(text: "what's the cheapest thing in the frozen aisle", intent: .search, items: [(["frozen-mixed-vegetables", "frozen-sweet-peas", "frozen-sweet-corn", "frozen-cut-green-beans"], 1)]),
        .init(text: "priciest item in the store?", intent: .search, items: [(["dog-food-blue-buffalo"], 1)]),
        .init(text: "which pet item costs the most", intent: .search, items: [(["dog-food-blue-buffalo"], 1)]),
        // Without a superlative, an aisle alone is a list of it, cheapest first.
        .init(text: "what do you have in the bakery under $3", intent: .search, items: [(["buns-hamburger-8ct", "buns-hot-dog-8ct"], 1)]),
    ]

    /// A size said with an article is the package, not how many; lean/fat is the percentage.
    static let sizes: [Expectation] = [
        // "the 4 pack of red bull" is that package; a pack size closing the request is too.
        .init(text: "how much is the 4 pack of red bull", intent: .price, items: [(["energy-drink-red-bull-4pk"], 1)]),
        .init(text: "grab the diet coke 12 pack", intent: .add, items: [(["diet-cola-12pk-cans"], 1)]),
        // A fraction in words before "of" or a unit.
        .init(text: "three quarters of a pound of jalapenos", intent: .add, items: [(["jalapeno-peppers"], 0.75)]),
        .init(text: "add the 12 count large eggs", intent: .add, items: [(["eggs-large-12ct"], 1)]),
        .init(text: "potatoes, the 5 lb bag", intent: .add, items: [(["potato-russet-5lb", "potato-red-5lb", "potato-yukon-gold-5lb"], 1)]),
        .init(text: "get a 1 gallon whole milk", intent: .add, items: [(["milk-whole-gallon"], 1)]),
        .init(text: "2 packs of size 4 diapers", intent: .add, items: [(["diapers-pampers-cruisers-size4"], 2)]),
        .init(text: "80/20 ground beef", intent: .add, items: [(["ground-beef-80-20"], 1)]),
    ]

    /// Requests said after what they are about, counts that are new totals, and what stays.
    static let afterthoughts: [Expectation] = [
        .init(text: "do you carry oat milk? add two", intent: .add, items: [(["oat-milk-original", "oat-milk-extra-creamy"], 2)]),
        .init(text: "greek yogurt - add 3", intent: .add, items: [(["yogurt-greek-plain-32oz", "yogurt-greek-vanilla-5oz", "yogurt-greek-strawberry-5oz", "yogurt-greek-fage-0pct"], 3)]),
        .init(text: "I want 3 limes, not 2", intent: .update, items: [(["lime"], 3)]),
        .init(text: "put me down for 4 avocados instead", intent: .update, items: [(["avocado-hass", "avocados-4ct-bag"], 4)]),
        .init(text: "take the bread off but keep the butter", intent: .remove, items: [(["bread-white-sandwich", "bread-white-classic"], 1)]),
        .init(text: "4 limes for the tacos", intent: .add, items: [(["lime"], 4)]),
        // A closing count of what was named: "…, 3 of them", "…, I need two".
        .init(text: "chicken broth, 3 of them", intent: .add, items: [(["broth-chicken"], 3)]),
        .init(text: "the cheapest pasta sauce, i need two", intent: .add, items: [(["pasta-sauce-traditional"], 2)]),
        .init(text: "drop 2 cans of tomato soup in the cart", intent: .add, items: [(["soup-tomato"], 2)]),
        // A clarifier of a one-word item: "one" is not Purina ONE.
        .init(text: "rice, the jasmine one", intent: .add, items: [(["rice-jasmine"], 1)]),
        // A word only addressing the listener is no pause of its own; "but not that …" excludes.
        .init(text: "I need cottage cheese, dear, the low fat one", intent: .add, items: [(["cottage-cheese-low-fat"], 1)]),
        .init(text: "a loaf of sourdough bread, but not that farmhouse one", intent: .add, items: [(["bread-sourdough-loaf"], 1)]),
    ]

    static let superlatives: [Expectation] = [
        .init(text: "add the cheapest mustard", intent: .add, items: [(["mustard-yellow"], 1)]),
        // Each superlative is its own item's; an item without one is matched as said.
        .init(text: "cheapest milk and the most expensive cheese", intent: .search,
              items: [(["milk-2pct-half-gallon"], 1), (["cheese-cheddar-medium-block-2lb"], 1)]),
        .init(text: "add the cheapest bread and 2 gallons of milk", intent: .add, items: [(["bread-white-sandwich"], 1), (["milk-whole-gallon"], 2)]),
        // Alternatives said with "or": the cheaper of the two.
        .init(text: "mushrooms, which one is less expensive, white or baby bella?", intent: .search, items: [(["mushrooms-white-8oz"], 1)]),
        // A brand said alone: all its products, in any aisle.
        .init(text: "what's the cheapest pepperidge farm product", intent: .search, items: [(["crackers-goldfish"], 1)]),
        .init(text: "add pepsi not coke", intent: .add, items: [(["cola-pepsi-12pk-cans"], 1)]),
        // A package said with a superlative: among the products sold so.
        .init(text: "cheapest gal of milk", intent: .search, items: [(["milk-1pct-gallon", "milk-skim-gallon"], 1)]),
        .init(text: "how much is the cheapest bag of potatoes", intent: .price, items: [(["potato-russet-5lb"], 1)]),
        .init(text: "grab 5 cans of whatever soup is cheapest", intent: .add, items: [(["soup-tomato"], 5)]),
        .init(text: "cheepest 12 pack of soda??", intent: .search, items: [(["root-beer-12pk-cans", "ginger-ale-12pk-cans"], 1)]),
        // By the pound: price over weight, among those whose weight is known.
        .init(text: "I look for the cheapest onions for pound", intent: .search, items: [(["onion-yellow-3lb"], 1)]),
        .init(text: "what are the cheapest tomatoes per pound", intent: .search, items: [(["tomato-roma"], 1)]),
        // A purpose is no part of what the superlative compares; a kind is ("soap for dishes").
        .init(text: "add the most expensive syrup for the waffles", intent: .add, items: [(["syrup-pure-maple"], 1)]),
        .init(text: "please what is most cheap soap for dishes you have", intent: .search, items: [(["dish-soap-palmolive"], 1)]),
        .init(text: "the most expensive honey please", intent: .search, items: [(["honey-clover"], 1)]),
        .init(text: "buy 2 of the cheapest dish soap", intent: .add, items: [(["dish-soap-palmolive"], 2)]),
        .init(text: "grab the priciest cheddar", intent: .add, items: [(["cheese-cheddar-medium-block-2lb"], 1)]),
    ]

    static let compounds: [Expectation] = [
        .init(text: "add dishsoap", intent: .add, items: [(["dish-soap-dawn-original", "dish-soap-palmolive"], 1)]),
        .init(text: "2 bags of greenbeans", intent: .add, items: [(["green-beans", "green-beans-cut-canned", "frozen-cut-green-beans"], 2)]),
        .init(text: "get hotdogs", intent: .add, items: [(["hot-dogs-beef-franks"], 1)]),
    ]

    static let phrasing: [Expectation] = [
        .init(text: "just 3 bell peppers then", intent: .update, items: [(["bell-pepper-green", "bell-pepper-red"], 3)]),
        // A lowering verb with "to N" is a new total; a number word closing an update is too.
        .init(text: "drop the apples to 2", intent: .update, items: [(["apple-gala", "apple-honeycrisp", "apple-granny-smith", "apple-fuji", "apple-red-delicious"], 2)]),
        .init(text: "um okay make the chicken broth two", intent: .update, items: [(["broth-chicken"], 2)]),
        .init(text: "I'd like to get rid of the chips", intent: .remove, items: [(["chips-lays-classic"], 1)]),
        .init(text: "wipe my cart clean", intent: .clear, items: []),
        .init(text: "Itemize my cart, please.", intent: .cart, items: []),
        .init(text: "add 2 boxes of mac n cheese and a thing of sour cream", intent: .add, items: [(["mac-and-cheese-original"], 2), (["sour-cream"], 1)]),
        // An attribute steers among the thing named; it does not make a pouch that holds kale the kale.
        .init(text: "add organic kale", intent: .add, items: [(["kale-bunch"], 1)]),
        // A one-word item takes its neighbours' aisle when a product there is that word.
        .init(text: "salt and pepper", intent: .add, items: [(["salt-iodized", "salt-kosher", "salt-sea-fine"], 1), (["pepper-black-ground"], 1)]),
        .init(text: "tortillas and peppers", intent: .add, items: [(["tortillas-corn-yellow", "tortillas-flour-soft-taco"], 1), (["bell-pepper-green"], 1)]),
        .init(text: "organic milk", intent: .add, items: [(["milk-organic-whole-half-gallon", "milk-organic-2pct-half-gallon"], 1)]),
        .init(text: "organic baby food", intent: .add, items: [(["baby-food-pouch-pears-kale"], 1)]),
        .init(text: "what would 2 lbs of cherries set me back", intent: .price, items: [(["cherries-dark-sweet"], 2)]),
        .init(text: "list everything I've got so far", intent: .cart, items: []),
    ]

    @Test("a correction replaces the item or its quantity", arguments: corrections) func correction(_ want: Expectation) { Self.check(want) }
    @Test("an exclusion keeps its words out of the product", arguments: exclusions) func exclusion(_ want: Expectation) { Self.check(want) }
    @Test("a remark after the request is not an item", arguments: remarks) func remark(_ want: Expectation) { Self.check(want) }
    @Test("a superlative picks by price among the products named", arguments: superlatives) func superlative(_ want: Expectation) { Self.check(want) }
    @Test("a superlative over an aisle or the store", arguments: scopes) func scope(_ want: Expectation) { Self.check(want) }
    @Test("a size with an article is the package, not the count", arguments: sizes) func size(_ want: Expectation) { Self.check(want) }
    @Test("afterthoughts: a closing 'add 2', 'not 2', 'instead', 'but keep', a purpose", arguments: afterthoughts)
    func afterthought(_ want: Expectation) { Self.check(want) }
    @Test("a compound of two catalog words is read as both", arguments: compounds) func compound(_ want: Expectation) { Self.check(want) }
    @Test("intent phrasing", arguments: phrasing) func intentPhrasing(_ want: Expectation) { Self.check(want) }

    @Test("no and not never reach the catalog as words (no I Can't Believe It's Not Butter!, no No Pulp)")
    func negationWordsNeverMatch() {
        for text in ["add rice but not the brown one", "crackers, no saltines", "add 4 pears, no wait 5", "get butter but not salted"] {
            let result = Self.parser.parse(text)
            for item in result.items {
                #expect(!(item.product?.name.lowercased().contains("not butter") ?? false), "\(text)")
                #expect(!(item.product?.name.lowercased().contains("no pulp") ?? false), "\(text)")
            }
        }
    }

    @Test("search and price answer with a ranked list of up to 8")
    func rankedSearch() {
        let search = Self.parser.parse("do you have yogurt")
        #expect(search.intent == .search)
        let listed = search.items.first.map { [$0.product] + $0.alternatives.map(Optional.some) } ?? []
        #expect(listed.count == 8, "\(listed.count)")
        #expect(Set(listed.compactMap { $0?.id }).count == listed.count)
    }
}
