import GroceryProtocol

/// The best catalog products for a product phrase.
struct ProductMatch: Sendable {
    var best: ProductSummary
    var alternatives: [ProductSummary]
    /// 0…1: how much of the phrase the best product explains.
    var coverage: Double
    /// Whether the best product has the phrase's last word, its head noun
    /// ("select from users" matching "Select-A-Size" through its first word does not).
    var headMatched: Bool
    /// How many of the phrase's words the best product does not have.
    var unmatchedWords: Int
    /// Whether the phrase's head noun is the best product's own head ("milk" → Whole Milk,
    /// but not "flavored" → Flavored Cheese Puffs' keyword).
    var namesHead = false
}

/// Scores catalog products against a phrase: every phrase word found in a product
/// adds its rarity (idf) times where it was found (name > keyword > brand > aisle);
/// the phrase's last word (its head noun) counts extra; a product whose own head noun
/// is that word, or whose name or keyword is exactly the phrase, gets a bonus; name
/// words the shopper did not say cost a little, so "milk" prefers plain milk. Products
/// are ranked first by how many said words they explain, then the phrase's default
/// product ("soda" means cola), then by score.
struct ProductMatcher: Sendable {
    let index: ProductIndex
    /// Words that end a product name as its package, not what it is.
    static let packageWords = [
        "gallon", "pods", "pack", "bag", "box", "jug", "bottle", "can", "carton", "ct", "count", "multipack", "case", "size", "rolls", "roll",
        "loaf", "slices", "sticks", "block", "singles", "cups", "tub",
    ]

    private static let packageStems = Set(packageWords.map(Stemmer.stem))

    /// Words that say how a thing is grown or made, not what it is.
    private static let attributeWords: Set<String> = ["organic", "natural", "local", "conventional"]

    /// What the attribute words of a phrase weigh.
    private func attributeWeight(_ stems: [String], _ bits: UInt64, _ resolved: [Term?]) -> Double {
        stems.indices.reduce(0) { total, position in
            bits & 1 << UInt64(position) != 0 ? total + (resolved[position]?.weight ?? 0) : total
        }
    }

    /// A phrase word resolved against the vocabulary.
    private struct Term {
        var id: Int
        var weight: Double
    }

    /// What one product gathered from the phrase's words.
    private struct Tally {
        var score = 0.0
        var matchedWeight = 0.0
        /// Bit i set: phrase term i is in the product (aisle matches excluded).
        var said: UInt64 = 0
    }

    /// What else narrows a match besides the words.
    struct Options: Sendable {
        var maxPriceCents: Int?
        /// Products whose name has one of these words are not wanted ("not the brown one").
        var excluded: [String] = []
        /// Among the products that explain the words, the cheapest or the priciest.
        var price: Clauses.PricePreference?
        /// Products returned, the best included.
        var limit = 4
        /// The package the item was said in: a superlative chooses among those sold so, and a
        /// package said for a thing sold by the pound is that package where the catalog
        /// sells one ("2 bags of apples" is Fuji Apples 3 lb Bag, not loose Gala apples).
        var package: Package?
        /// The superlative is by the pound ("the cheapest rice per pound"): price over weight.
        var perPound = false
        /// For a query of several items, the superlative of the item that has one of these
        /// words ("the cheapest bread and 2 gallons of milk"); `price` is then the others'.
        var pricedWords: [String: Clauses.PricePreference] = [:]
        /// Only products of this aisle.
        var category: ProductCategory?
        /// The words name only a scope ("the cheapest thing in produce"): any product of
        /// `category` (or of the store), by `price`.
        var anyInScope = false
    }

    /// A package said with a superlative, as catalog sizes write it ("1 gal", "5 lb bag",
    /// "12 x 12 fl oz").
    enum Package: Sendable, Equatable {
        case gallon
        case bag
        case box
        case count(Int)

        func holds(_ size: String) -> Bool {
            let words = size.lowercased().split(separator: " ")
            switch self {
            case .gallon: return words.contains("gal") && !words.contains("half")
            case .bag: return words.contains("bag")
            case .box: return words.contains("box")
            case .count(let count): return words.first == "\(count)"[...] && words.count > 1 && ["x", "ct", "pack", "pk"].contains(words[1])
            }
        }
    }

    /// The cheapest (or priciest) products of an aisle, or of the whole store, for a
    /// superlative that names nothing else ("the most expensive thing in the bakery").
    func extreme(_ preference: Clauses.PricePreference, in category: ProductCategory?, maxPriceCents: Int?, limit: Int) -> ProductMatch? {
        let pool = index.products.indices.filter { product in
            (category == nil || index.products[product].category == category)
                && (maxPriceCents == nil || index.products[product].priceCents <= maxPriceCents!)
        }
        let ranked = pool.sorted {
            let (a, b) = (index.products[$0].priceCents, index.products[$1].priceCents)
            return a != b ? (preference == .lowest ? a < b : a > b) : $0 < $1
        }
        guard let best = ranked.first else { return nil }
        return ProductMatch(
            best: index.summaries[best], alternatives: ranked.dropFirst().prefix(limit - 1).map { index.summaries[$0] },
            coverage: 1, headMatched: true, unmatchedWords: 0)
    }

    func match(_ words: [String], maxPriceCents: Int?) -> ProductMatch? {
        rank(words, Options(maxPriceCents: maxPriceCents))
    }

    func match(_ words: [String], options: Options) -> ProductMatch? {
        rank(words, options)
    }

    /// Up to `limit` products for the words, best first (for search results).
    func search(_ words: [String], maxPriceCents: Int?, limit: Int) -> [ProductSummary] {
        guard let found = rank(words, Options(maxPriceCents: maxPriceCents, limit: limit)) else { return [] }
        return [found.best] + found.alternatives
    }

    /// A phrase's words as the index knows them: stems, and each stem's vocabulary term
    /// with its weight before the head bonus (nil when the catalog has no such word).
    private struct Prepared {
        var stems: [String] = []
        var terms: [Term?] = []

        static func + (lhs: Prepared, rhs: Prepared) -> Prepared {
            Prepared(stems: lhs.stems + rhs.stems, terms: lhs.terms + rhs.terms)
        }
    }

    /// The stems of the words, resolved; a word the catalog does not know that is two
    /// words it knows ("dishsoap", "greenbeans", "hotdogs") gives both, and two words it
    /// knows as one ("la croix") give that one.
    private func prepare(_ words: [String]) -> Prepared {
        let words = words.filter { !Lexicon.matchStopwords.contains($0) }
        let plain = words.map(knownStem)
        var stems: [String] = []
        stems.reserveCapacity(words.count)
        var skipNext = false
        for (position, word) in words.enumerated() {
            if skipNext {
                skipNext = false
                continue
            }
            let stem = plain[position]
            // Two words written apart that the catalog has as one ("straw berries", "blue
            // berries"): one, when either is unknown or the one is a product's own noun.
            if position + 1 < words.count {
                let joined = Stemmer.stem(word + words[position + 1])
                if let id = index.termIDs[joined],
                    index.termIDs[stem] == nil || index.termIDs[plain[position + 1]] == nil || index.headTerms.contains(id)
                {
                    stems.append(joined)
                    skipNext = true
                    continue
                }
            }
            let characters = word.utf8.count >= 6 && index.termIDs[stem] == nil ? Array(word) : []
            guard characters.count >= 6 else {
                stems.append(stem)
                continue
            }
            let cuts = 3...(characters.count - 3)
            let parts = cuts.map { (Stemmer.stem(String(characters[..<$0])), Stemmer.stem(String(characters[$0...]))) }
            let split =
                parts.first { index.termIDs[$0.0] != nil && index.termIDs[$0.1] != nil }.map { [$0.0, $0.1] }
                // "peanutbuter": one half known, the other one slip from a known word.
                ?? parts.lazy.compactMap { left, right -> [String]? in
                    if index.termIDs[left] != nil, let fixed = index.fuzzy.corrections(of: right).first?.word { return [left, fixed] }
                    if index.termIDs[right] != nil, let fixed = index.fuzzy.corrections(of: left).first?.word { return [fixed, right] }
                    return nil
                }.first
            stems += split ?? [stem]
        }
        stems = Array(stems.prefix(64))
        return Prepared(stems: stems, terms: stems.map(resolve))
    }

    private func rank(_ words: [String], _ options: Options) -> ProductMatch? {
        rank(prepare(words), options)
    }

    private func rank(_ prepared: Prepared, _ options: Options) -> ProductMatch? {
        let (maxPriceCents, limit) = (options.maxPriceCents, options.limit)
        let stems = prepared.stems
        // A number alone ("what's 17 times 23") names no product, whatever sizes hold it.
        guard stems.contains(where: { Double($0) == nil }) else { return nil }
        // The head noun (the last word) counts half again.
        let resolved = prepared.terms.enumerated().map { position, term in
            term.map { Term(id: $0.id, weight: $0.weight * (position == stems.count - 1 ? 1.5 : 1)) }
        }
        guard resolved.contains(where: { $0 != nil }) else { return nil }
        let possible = stems.enumerated().reduce(0.0) { total, entry in
            let idf = resolved[entry.offset].map { index.idf[$0.id] } ?? 2
            return total + idf * (entry.offset == stems.count - 1 ? 1.5 : 1)
        }

        // The products touched, in first-touch order, with their tallies; a 4-byte slot
        // per product finds a product's tally (zeroing 2 KB is cheap; hashing every
        // posting was not, nor was zeroing a 32-byte tally for every product).
        var slots = [UInt32](repeating: 0, count: index.products.count)
        var tallies: [Tally] = []
        var touched: [Int] = []
        for (position, term) in resolved.enumerated() {
            guard let term else { continue }
            for posting in index.postings[term.id] {
                let product = posting.product
                var slot = Int(slots[product])
                if slot == 0 {
                    tallies.append(Tally())
                    touched.append(product)
                    slot = tallies.count
                    slots[product] = UInt32(slot)
                }
                tallies[slot - 1].score += term.weight * posting.weight
                if posting.weight > ProductIndex.categoryWeight {
                    tallies[slot - 1].matchedWeight += term.weight
                    tallies[slot - 1].said |= 1 << UInt64(position)
                }
            }
        }
        let phrase = stems.joined(separator: " ")
        let exact = index.phrases[phrase] ?? []
        let byDefault = index.defaults[phrase]
        let resolvedIDs = resolved.compactMap { $0?.id }
        let head = resolved.last??.id
        let headBit: UInt64 = 1 << UInt64(stems.count - 1)
        var ranked: [(product: Int, said: Int, isDefault: Bool, score: Double)] = []
        let attributeBits = stems.indices.dropLast().reduce(UInt64(0)) { bits, position in
            Self.attributeWords.contains(stems[position]) ? bits | 1 << UInt64(position) : bits
        }
        // An excluded word the phrase says itself ("rice but not brown rice") is not excluded.
        let excluded = Set(options.excluded.map(Stemmer.stem).filter { !stems.contains($0) }.compactMap { index.termIDs[$0] })
        for (slot, product) in touched.enumerated() where tallies[slot].said != 0 {
            let tally = tallies[slot]
            if let maxPriceCents, index.products[product].priceCents > maxPriceCents { continue }
            if let category = options.category, index.products[product].category != category { continue }
            if !excluded.isEmpty, index.ownTerms[product].contains(where: excluded.contains) { continue }
            var score = tally.score
            if let head, index.heads[product] == head { score += 1.0 }
            if exact.contains(product) { score += 1.5 }
            let unsaid = index.nameTerms[product].reduce(0) { count, term in
                resolvedIDs.contains(term) ? count : count + 1
            }
            score -= 0.15 * Double(unsaid)
            // "organic kale": an attribute word explained by a product that is not the thing
            // named (a kale baby-food pouch) does not outrank the thing itself.
            if head != nil, index.heads[product] != head, !exact.contains(product), tally.said & attributeBits != 0 {
                let said = tally.said & ~attributeBits
                // …nor outscores it: the attribute's weight goes too.
                score -= attributeWeight(stems, attributeBits, resolved) * 0.9
                ranked.append((product, said.nonzeroBitCount, product == byDefault, score))
                continue
            }
            ranked.append((product, tally.said.nonzeroBitCount, product == byDefault, score))
        }
        // Explaining more of the words said comes first; among equals the phrase's default
        // product ("soda" → cola), then the score.
        ranked.sort {
            if $0.said != $1.said { return $0.said > $1.said }
            if $0.isDefault != $1.isDefault { return $0.isDefault }
            return $0.score != $1.score ? $0.score > $1.score : $0.product < $1.product
        }
        if let preference = options.price, let first = ranked.first {
            // The cheapest (priciest) of those that explain as much as the best and are the
            // thing named: its name ends in the word said ("Clover Honey", not Honey Nut
            // Cheerios), or ends in a package after it, in the same aisle ("Whole Milk Half
            // Gallon", "Coffee K-Cup Pods").
            var pool = ranked.filter { $0.said == first.said }
            // "the cheapest gallon of milk", "… bag of potatoes", "… 12 pack of soda": among
            // those sold so, when there are any.
            if let package = options.package {
                let packaged = pool.filter { package.holds(index.products[$0.product].size) }
                if !packaged.isEmpty { pool = packaged }
            }
            // "the cheapest pepperidge farm product": a brand said alone names all its products, in any aisle.
            let ofBrand = Set(index.brands[phrase] ?? [])
            let category = index.products[first.product].category
            let packages = Set(Self.packageWords.compactMap { index.termIDs[Stemmer.stem($0)] })
            // The phrase without the package said ("12 pack soda" → "soda"), for keywords.
            let core: [Int] = options.package == nil ? [] : index.phrases[stems.filter { Double($0) == nil && !Self.packageStems.contains($0) }.joined(separator: " ")] ?? []
            // In the best match's aisle too: the cheapest butter is dairy butter, not peanut butter.
            let named = pool.filter { candidate in
                guard let head else { return false }
                let product = candidate.product
                if ofBrand.contains(product) { return true }
                guard index.products[product].category == category else { return false }
                // Or has the phrase as a keyword of its own ("chicken" for Chicken Drumsticks).
                return index.heads[product] == head || (packages.contains(index.heads[product]) && index.nameTerms[product].contains(head))
                    || exact.contains(product) || core.contains(product)
            }
            var candidates = named.isEmpty ? pool : named
            // By the pound: only those whose weight is known, priced per pound.
            func price(_ product: Int) -> Double {
                let cents = Double(index.products[product].priceCents)
                return options.perPound ? cents / (index.pounds[product] ?? 1) : cents
            }
            if options.perPound {
                let weighed = candidates.filter { index.pounds[$0.product] != nil }
                if !weighed.isEmpty { candidates = weighed }
            }
            let chosen = candidates.sorted {
                let (a, b) = (price($0.product), price($1.product))
                return a != b ? (preference == .lowest ? a < b : a > b) : $0.product < $1.product
            }
            let picked = Set(chosen.map(\.product))
            ranked = chosen + ranked.filter { !picked.contains($0.product) }
        }
        if options.price == nil, let package = options.package, let first = ranked.first, index.products[first.product].soldBy == .lb,
            let packaged = ranked.firstIndex(where: { candidate in
                candidate.said == first.said && index.products[candidate.product].soldBy == .each
                    && package.holds(index.products[candidate.product].size)
                    && (head.map { index.nameTerms[candidate.product].contains($0) } ?? false)
            })
        {
            ranked.insert(ranked.remove(at: packaged), at: 0)
        }
        guard let top = ranked.first else { return nil }
        let tally = tallies[Int(slots[top.product]) - 1]
        let alternatives = ranked.dropFirst().prefix(limit - 1).filter { $0.said == top.said || $0.score >= top.score * 0.5 }
        return ProductMatch(
            best: index.summaries[top.product],
            alternatives: alternatives.map { index.summaries[$0.product] },
            coverage: min(1, tally.matchedWeight / max(possible, 0.0001)),
            headMatched: head != nil && tally.said & headBit != 0,
            unmatchedWords: stems.count - tally.said.nonzeroBitCount,
            namesHead: head != nil && index.heads[top.product] == head)
    }

    /// Splits a run of words with no separators into products that each explain all
    /// their words ("milk eggs" → "milk", "eggs"); nil when no such split exists.
    func split(_ words: [String], maxPriceCents: Int?) -> [[String]]? {
        guard (2...6).contains(words.count) else { return nil }
        // Each word is stemmed and spelt-checked once, not once per candidate chunk.
        let perWord = words.map { prepare([$0]) }
        // Whether words[start..<end] is one product, each span ranked at most once.
        var known: [Int: Bool] = [:]
        func isProduct(_ start: Int, _ end: Int) -> Bool {
            if let answer = known[start * 8 + end] { return answer }
            var answer = false
            if end - start < words.count, let found = rank(perWord[start..<end].reduce(Prepared(), +), Options(maxPriceCents: maxPriceCents)) {
                // A lone word must be a product's own noun: "milk eggs" splits, "flavored
                // sparkling water" does not.
                answer = found.unmatchedWords == 0 && (found.namesHead || end - start > 1)
            }
            known[start * 8 + end] = answer
            return answer
        }
        // Longest first product first, backing off when the rest cannot be split
        // ("tortillas taco seasoning sour cream": not "tortillas taco", then a lone "seasoning").
        func chunks(from start: Int) -> [Range<Int>]? {
            if start == words.count { return [] }
            for end in stride(from: words.count, to: start, by: -1) where isProduct(start, end) {
                if let rest = chunks(from: end) { return [start..<end] + rest }
            }
            return nil
        }
        return chunks(from: 0)?.map { Array(words[$0]) }
    }

    /// A word's stem, or, when the catalog does not know it, the stem of the word without
    /// an "es" plural the stemmer misread ("kiwies" → kiwi, not "kiwy").
    private func knownStem(_ word: String) -> String {
        let stem = Stemmer.stem(word)
        guard index.termIDs[stem] == nil, word.hasSuffix("es"), word.utf8.count > 5 else { return stem }
        let shorter = Stemmer.stem(String(word.dropLast(2)))
        return index.termIDs[shorter] != nil ? shorter : stem
    }

    /// The vocabulary term of a stem, or of its nearest spelling (worth a little less).
    private func resolve(_ stem: String) -> Term? {
        if let id = index.termIDs[stem] { return Term(id: id, weight: index.idf[id]) }
        // The stem lost a plural "s" the catalog word keeps ("asparagas" → "asparaga", one
        // letter further from "asparagus" than the word said): the word is tried too.
        guard let correction = index.fuzzy.corrections(of: stem).first ?? index.fuzzy.corrections(of: stem + "s").first,
            let id = index.termIDs[correction.word]
        else {
            return nil
        }
        return Term(id: id, weight: index.idf[id] * 0.8)
    }
}
