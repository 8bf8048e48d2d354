import Testing

@testable import GroceryNLP

@Suite("Tokenizer")
struct TokenizerTests {
    private func texts(_ text: String) -> [String] { Tokenizer.tokenize(text).map(\.text) }
    private func numbers(_ text: String) -> [Double] { Tokenizer.tokenize(text).compactMap(\.number) }

    @Test("lowercases, drops punctuation and apostrophes, folds diacritics")
    func words() {
        // A sentence's end is a pause (one separator however many marks); a unit's
        // abbreviation point is not.
        #expect(texts("Don't ADD Crème Fraîche!!!") == ["dont", "add", "creme", "fraiche", ","])
        #expect(texts("what's in my cart?") == ["whats", "in", "my", "cart", ","])
        #expect(texts("pasta? add it") == ["pasta", ",", "add", "it"])
        #expect(texts("2 lb. of beef... thanks") == ["2", "lb", "of", "beef", ",", "thanks"])
        #expect(texts("cage-free eggs") == ["cage", "free", "eggs"])
        #expect(texts("bread, butter & jam") == ["bread", ",", "butter", "and", "jam"])
    }

    @Test("reads digits, decimals, fractions, vulgar fractions, thousands and signs")
    func numberForms() {
        #expect(numbers("2 1.5 1/2 ½ 1½ 1,000 -3") == [2, 1.5, 0.5, 0.5, 1.5, 1000, -3])
        #expect(Tokenizer.tokenize("$4.99").first?.isMoney == true)
        #expect(Tokenizer.tokenize("1/0").first?.number == .infinity)
    }

    @Test("splits a number from a unit or x, but keeps 2% and 7up whole")
    func glued() {
        #expect(texts("2lb 500g 1.5kg 12oz 2x x6") == ["2", "lb", "500", "g", "1.5", "kg", "12", "oz", "2", "x", "x", "6"])
        #expect(texts("2% milk and 7up") == ["2%", "milk", "and", "7up"])
        // Lean over fat is the catalog's percentage, not a fraction.
        #expect(texts("93/7 ground beef") == ["93%", "ground", "beef"])
        #expect(numbers("3/4 cup") == [0.75])
    }

    @Test("control characters separate words; food emoji become words; other emoji vanish")
    func oddCharacters() {
        #expect(texts("milk\u{0}\u{7}eggs\tbread") == ["milk", "eggs", "bread"])
        #expect(texts("🍌 and 🥛") == ["banana", "and", "milk"])
        #expect(texts("🚀🎉") == [])
    }

    @Test("singular and plural stem alike")
    func stems() {
        for (a, b) in [("berries", "berry"), ("potatoes", "potato"), ("potatos", "potato"), ("cookies", "cookie"),
                       ("peaches", "peach"), ("apples", "apple"), ("boxes", "box")] {
            #expect(Stemmer.stem(a) == Stemmer.stem(b), "\(a) / \(b)")
        }
        #expect(Stemmer.stem("hummus") == "hummus")
        #expect(Stemmer.stem("swiss") == "swiss")
    }
}

@Suite("Fuzzy matching")
struct FuzzyIndexTests {
    @Test("edit distance counts insertions, deletions, substitutions and transpositions as one")
    func distance() {
        func d(_ a: String, _ b: String) -> Int { FuzzyIndex.distance(Array(a.utf8), Array(b.utf8)) }
        #expect(d("yoghurt", "yogurt") == 1)
        #expect(d("cucumbr", "cucumber") == 1)
        #expect(d("avacado", "avocado") == 1)
        #expect(d("mlik", "milk") == 1)
        #expect(d("", "abc") == 3)
        #expect(d("same", "same") == 0)
    }

    @Test("corrections keep the first letter and skip short words")
    func corrections() {
        let index = FuzzyIndex(words: ["strawberry", "yogurt", "coke", "cucumber"])
        #expect(index.corrections(of: "strawbery").first?.word == "strawberry")
        #expect(index.corrections(of: "yoghurt").first?.word == "yogurt")
        #expect(index.corrections(of: "joke").isEmpty)
        #expect(index.corrections(of: "ducumber").isEmpty)
    }
}
