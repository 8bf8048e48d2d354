/// Search structures over the catalog, built once: which products each word
/// (stemmed) appears in and how strongly, plus whole phrases and a fuzzy index.
struct ProductIndex: Sendable {
    /// Where a word was found in a product; a name beats a keyword beats a brand.
    struct Posting: Sendable {
        var product: Int
        var weight: Double
    }

    let products: [Product]
    /// Stemmed word → products containing it.
    private(set) var postings: [String: [Posting]] = [:]
    /// Stemmed word → inverse document frequency (rare words count more).
    private(set) var idf: [String: Double] = [:]
    /// Whole names and keywords, stemmed and joined by spaces → products.
    private(set) var phrases: [String: [Int]] = [:]
    /// Generic phrase, stemmed and joined → the product it means by default.
    private(set) var defaults: [String: Int] = [:]
    /// Joined phrases that contain a joiner ("half and half", "mac and cheese").
    private(set) var joinerPhrases: [[String]] = []
    /// Per product: the stemmed words of its name.
    private(set) var nameWords: [Set<String>] = []
    /// Per product: the stem of its name's last word ("Gala Apples" → "apple").
    private(set) var heads: [String] = []
    let fuzzy: FuzzyIndex

    static let nameWeight = 1.0
    static let keywordWeight = 0.9
    static let brandWeight = 0.8
    static let categoryWeight = 0.3

    init(products: [Product]) {
        self.products = products
        var best: [String: [Int: Double]] = [:]
        func note(_ word: String, _ product: Int, _ weight: Double) {
            let current = best[word, default: [:]][product] ?? 0
            if weight > current { best[word, default: [:]][product] = weight }
        }
        for (index, product) in products.enumerated() {
            let name = Self.words(product.name)
            nameWords.append(Set(name))
            heads.append(name.last(where: { !$0.isEmpty && !($0.first?.isNumber ?? false) }) ?? "")
            name.forEach { note($0, index, Self.nameWeight) }
            Self.words(product.brand ?? "").forEach { note($0, index, Self.brandWeight) }
            Self.words(product.category.displayName).forEach { note($0, index, Self.categoryWeight) }
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
        for (word, byProduct) in best {
            postings[word] = byProduct.map { Posting(product: $0.key, weight: $0.value) }.sorted { $0.product < $1.product }
            idf[word] = 1 + log(count / Double(byProduct.count))
        }
        for (key, value) in phrases { phrases[key] = Array(Set(value)).sorted() }
        fuzzy = FuzzyIndex(words: best.keys)
    }

    /// Stemmed words of a catalog string, stopwords kept (they are part of phrases).
    static func words(_ text: String) -> [String] {
        Tokenizer.tokenize(text).filter { !$0.isSeparator }.map { Stemmer.stem($0.text) }
    }
}

import Foundation
