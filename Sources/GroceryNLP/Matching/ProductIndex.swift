import Foundation
import GroceryProtocol

/// Search structures over the catalog, built once: which products each word
/// (stemmed, numbered) appears in and how strongly, plus whole phrases, default
/// products and a fuzzy index for misspellings. A class (immutable), so the matcher and
/// the parser, copied into every closure of a parse, copy one reference, not fifteen.
final class ProductIndex: Sendable {
    /// Where a word was found in a product; a name beats a keyword beats a brand.
    struct Posting: Sendable {
        var product: Int
        var weight: Double
    }

    let products: [Product]
    /// Per product: its summary for results, built once.
    let summaries: [ProductSummary]
    /// Stemmed word → its number; every other table speaks numbers.
    let termIDs: [String: Int]
    /// Term → products containing it.
    let postings: [[Posting]]
    /// Term → inverse document frequency (rare words count more).
    let idf: [Double]
    /// Whole names and keywords, stemmed and joined by spaces → products.
    let phrases: [String: [Int]]
    /// Generic phrase, stemmed and joined → the product it means by default.
    let defaults: [String: Int]
    /// Brand, stemmed and joined → its products ("pepperidge farm" → Goldfish, Farmhouse bread).
    let brands: [String: [Int]]
    /// Stemmed phrases that hold a joiner ("half and half", "mac and cheese").
    let joinerPhrases: [[String]]
    /// Per product: the terms of its name's content words.
    let nameTerms: [[Int]]
    /// Per product: its name's and its brand's terms, for exclusions ("no doritos").
    let ownTerms: [[Int]]
    /// Per product: the term of its name's last word ("Gala Apples" → apple), or -1.
    let heads: [Int]
    /// Per product: pounds per unit of sale (``Product/pounds``), read from its size once.
    let pounds: [Double?]
    /// The terms that are some product's head.
    let headTerms: Set<Int>
    let fuzzy: FuzzyIndex

    static let nameWeight = 1.0
    static let keywordWeight = 0.9
    static let brandWeight = 0.8
    static let categoryWeight = 0.3
    /// Package sizes ("2 L", "18 ct"): enough to tell variants apart when a size is said.
    static let sizeWeight = 0.5
    /// Size words that tell no package from another.
    private static let sizeNoise: Set<String> = ["per", "x", "each", "in", "sq", "ft", "yd", "double", "mega"]

    init(products: [Product]) {
        self.products = products
        summaries = products.map { $0.summary.withEncodedJSON() }
        var termIDs: [String: Int] = [:]
        var phrases: [String: [Int]] = [:]
        var defaults: [String: Int] = [:]
        var brands: [String: [Int]] = [:]
        var joinerPhrases: [[String]] = []
        var nameTerms: [[Int]] = []
        var ownTerms: [[Int]] = []
        var heads: [Int] = []
        var best: [[Int: Double]] = []
        func term(_ word: String) -> Int {
            if let id = termIDs[word] { return id }
            termIDs[word] = best.count
            best.append([:])
            return best.count - 1
        }
        func note(_ word: String, _ product: Int, _ weight: Double) {
            let id = term(word)
            if weight > best[id][product] ?? 0 { best[id][product] = weight }
        }
        for (index, product) in products.enumerated() {
            let name = Self.words(product.name)
            name.forEach { note($0, index, Self.nameWeight) }
            nameTerms.append(Array(Set(name.filter { !Lexicon.matchStopwords.contains($0) }.map(term))))
            ownTerms.append(Array(Set((name + Self.words(product.brand ?? "")).filter { !Lexicon.matchStopwords.contains($0) }.map(term))))
            heads.append(name.last(where: { !($0.first?.isNumber ?? true) }).map(term) ?? -1)
            Self.words(product.brand ?? "").forEach { note($0, index, Self.brandWeight) }
            if let brand = product.brand { brands[Self.words(brand).joined(separator: " "), default: []].append(index) }
            Self.words(product.category.displayName).forEach { note($0, index, Self.categoryWeight) }
            Self.words(product.size).filter { !Self.sizeNoise.contains($0) }.forEach { note($0, index, Self.sizeWeight) }
            for phrase in product.defaultFor {
                defaults[Self.words(phrase).joined(separator: " ")] = index
            }
            for phrase in [product.name, product.displayName] + product.keywords {
                let words = Self.words(phrase)
                words.forEach { note($0, index, Self.keywordWeight) }
                phrases[words.joined(separator: " "), default: []].append(index)
                if words.count >= 3, words.dropFirst().dropLast().contains(where: { Grammar.joiners.contains($0) }) {
                    joinerPhrases.append(words)
                }
            }
        }
        let count = Double(max(products.count, 1))
        self.termIDs = termIDs
        self.defaults = defaults
        self.brands = brands
        self.joinerPhrases = joinerPhrases
        self.nameTerms = nameTerms
        self.ownTerms = ownTerms
        self.heads = heads
        pounds = products.map(\.pounds)
        headTerms = Set(heads.filter { $0 >= 0 })
        self.phrases = phrases.mapValues { Array(Set($0)).sorted() }
        postings = best.map { byProduct in
            byProduct.map { Posting(product: $0.key, weight: $0.value) }.sorted { $0.product < $1.product }
        }
        idf = best.map { 1 + log(count / Double($0.count)) }
        fuzzy = FuzzyIndex(words: termIDs.keys)
    }

    /// Stemmed words of a catalog string, stopwords kept (they are part of phrases).
    static func words(_ text: String) -> [String] {
        Tokenizer.tokenize(text).filter { !$0.isSeparator }.map { Stemmer.stem($0.text) }
    }
}
