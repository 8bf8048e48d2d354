import GroceryProtocol

/// The best catalog products for a product phrase.
struct ProductMatch: Sendable {
    var best: Product
    var alternatives: [Product]
    /// 0…1: how much of the phrase the best product explains.
    var coverage: Double
    /// Whether the best product has the phrase's last word, its head noun
    /// ("select from users" matching "Select-A-Size" through its first word does not).
    var headMatched: Bool
    /// How many of the phrase's words the best product does not have.
    var unmatchedWords: Int
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

    /// A phrase word resolved against the vocabulary.
    private struct Term {
        var stem: String
        var weight: Double
        var fuzzy: Bool
    }

    func match(_ words: [String], maxPriceCents: Int?) -> ProductMatch? {
        let stems = words.filter { !Lexicon.matchStopwords.contains($0) }.map(Stemmer.stem)
        guard !stems.isEmpty else { return nil }
        let resolved = stems.enumerated().map { position, stem in
            resolve(stem, isHead: position == stems.count - 1)
        }
        let terms = resolved.compactMap { $0 }
        guard !terms.isEmpty else { return nil }
        let possible = stems.enumerated().reduce(0.0) { total, entry in
            total + (index.idf[entry.element] ?? 2) * (entry.offset == stems.count - 1 ? 1.5 : 1)
        }

        var scores: [Int: Double] = [:]
        var matchedWeight: [Int: Double] = [:]
        var matchedStems: [Int: Set<String>] = [:]
        for term in terms {
            for posting in index.postings[term.stem] ?? [] {
                let gained = term.weight * posting.weight
                scores[posting.product, default: 0] += gained
                if posting.weight > ProductIndex.categoryWeight {
                    matchedWeight[posting.product, default: 0] += term.weight
                    matchedStems[posting.product, default: []].insert(term.stem)
                }
            }
        }
        let phrase = stems.joined(separator: " ")
        let exact = Set(index.phrases[phrase] ?? [])
        let head = resolved.last??.stem
        let byDefault = index.defaults[phrase]
        var ranked: [(product: Int, said: Int, isDefault: Bool, score: Double)] = []
        for (product, base) in scores {
            guard matchedWeight[product] != nil else { continue }
            if let maxPriceCents, index.products[product].priceCents > maxPriceCents { continue }
            var score = base
            if let head, index.heads[product] == head { score += 1.0 }
            if exact.contains(product) { score += 1.5 }
            let said = matchedStems[product] ?? []
            let unsaid = index.nameWords[product].filter { !said.contains($0) && !Lexicon.matchStopwords.contains($0) }
            score -= 0.15 * Double(unsaid.count)
            ranked.append((product, said.count, product == byDefault, score))
        }
        // Explaining more of the words said comes first; among equals the phrase's default
        // product ("soda" → cola), then the score.
        ranked.sort {
            if $0.said != $1.said { return $0.said > $1.said }
            if $0.isDefault != $1.isDefault { return $0.isDefault }
            return $0.score != $1.score ? $0.score > $1.score : $0.product < $1.product
        }
        guard let top = ranked.first else { return nil }
        let alternatives = ranked.dropFirst().prefix(3).filter { $0.said == top.said || $0.score >= top.score * 0.5 }
        let coverage = min(1, (matchedWeight[top.product] ?? 0) / max(possible, 0.0001))
        return ProductMatch(
            best: index.products[top.product],
            alternatives: alternatives.map { index.products[$0.product] },
            coverage: coverage,
            headMatched: head.map { matchedStems[top.product]?.contains($0) ?? false } ?? false,
            unmatchedWords: resolved.filter { term in !(term.map { matchedStems[top.product]?.contains($0.stem) ?? false } ?? false) }.count)
    }

    /// Splits a run of words with no separators into products that each explain all
    /// their words ("milk eggs" → "milk", "eggs"); nil when no such split exists.
    func split(_ words: [String], maxPriceCents: Int?) -> [[String]]? {
        guard (2...6).contains(words.count) else { return nil }
        var chunks: [[String]] = []
        var start = 0
        while start < words.count {
            let end = stride(from: words.count, to: start, by: -1).first { end in
                guard end - start < words.count, let found = match(Array(words[start..<end]), maxPriceCents: maxPriceCents) else { return false }
                return found.unmatchedWords == 0
            }
            guard let end else { return nil }
            chunks.append(Array(words[start..<end]))
            start = end
        }
        return chunks
    }

    private func resolve(_ stem: String, isHead: Bool) -> Term? {
        let headFactor = isHead ? 1.5 : 1
        if let idf = index.idf[stem] { return Term(stem: stem, weight: idf * headFactor, fuzzy: false) }
        guard let correction = index.fuzzy.corrections(of: stem).first, let idf = index.idf[correction.word] else {
            return nil
        }
        return Term(stem: correction.word, weight: idf * headFactor * 0.8, fuzzy: true)
    }
}
