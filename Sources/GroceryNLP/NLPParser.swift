import GroceryProtocol

/// Turns what a shopper typed into an ``NLPResult``: intent, items with quantities,
/// units and catalog matches, and filters. Pure and thread-safe; build it once per
/// catalog (building indexes the catalog) and share it.
public struct NLPParser: Sendable {
    /// The catalog matched against.
    public let catalog: Catalog
    private let matcher: ProductMatcher
    private let segmenter: Segmenter

    /// Indexes `catalog` for matching.
    public init(catalog: Catalog = .bundled) {
        self.catalog = catalog
        let index = ProductIndex(products: catalog.products)
        matcher = ProductMatcher(index: index)
        segmenter = Segmenter(joinerPhrases: index.joinerPhrases)
    }

    /// Parses one query. Never fails: problems are reported in ``NLPResult/error``.
    public func parse(_ text: String) -> NLPResult {
        if text.utf8.count > NLPResult.maxTextLength * 4 || text.count > NLPResult.maxTextLength {
            return NLPResult(
                text: String(text.prefix(NLPResult.maxTextLength)), intent: .unknown, confidence: 0,
                error: NLPProblem(code: .tooLong, message: "the query is longer than \(NLPResult.maxTextLength) characters"))
        }
        if text.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            return NLPResult(
                text: text, intent: .unknown, confidence: 0,
                error: NLPProblem(code: .emptyQuery, message: "the query is empty"))
        }
        if text.unicodeScalars.allSatisfy({ $0 == "?" || $0.properties.isWhitespace }) {
            return NLPResult(text: text, intent: .help, confidence: 0.95)
        }

        let (maxPrice, tokens) = PriceFilter.extract(Tokenizer.tokenize(text))
        let filters = NLPFilters(maxPrice: maxPrice)
        let words = Utterance.clean(tokens)
        guard !words.isEmpty else {
            return NLPResult(text: text, intent: .unknown, confidence: 0.1, filters: filters)
        }

        let maxPriceCents = maxPrice.flatMap { Money.cents(dollars: $0) }
        if let (rule, range) = Grammar.rules.firstMatch(words) {
            let intent = rule.intent
            guard intent.changesItems || intent == .search || intent == .price else {
                return NLPResult(text: text, intent: intent, confidence: 0.95, filters: filters)
            }
            let items = self.items(Array(words[range]), intent: intent, maxPriceCents: maxPriceCents)
            return finish(text: text, intent: intent, base: 0.95, items: items, filters: filters)
        }

        // No verb: a bare product list ("apples", "3 yogurt", "water x6") means add,
        // or search when a price limit was said ("cereal under $5").
        let items = self.items(words, intent: .add, maxPriceCents: maxPriceCents)
        let understood = items.contains { $0.product != nil && $0.coverage >= 0.5 && $0.headMatched }
        guard understood else {
            return NLPResult(text: text, intent: .unknown, confidence: 0.2, filters: filters)
        }
        let intent: Intent = maxPrice == nil ? .add : .search
        return finish(text: text, intent: intent, base: 0.75, items: items, filters: filters)
    }

    /// Catalog products for a search phrase ("oat milk", "cereal under $5"), best first.
    public func searchProducts(_ text: String, limit: Int = 10) -> [ProductSummary] {
        guard text.count <= NLPResult.maxTextLength else { return [] }
        let (maxPrice, tokens) = PriceFilter.extract(Tokenizer.tokenize(text))
        let words = Utterance.clean(tokens).filter { !$0.isSeparator }.map(\.text)
        return matcher.search(words, maxPriceCents: maxPrice.flatMap { Money.cents(dollars: $0) }, limit: max(limit, 1))
    }

    /// An item with how well its words were matched.
    private struct ParsedItem {
        var item: NLPItem
        var said: Bool
        var coverage: Double
        var headMatched: Bool
        var product: ProductSummary? { item.product }
    }

    private func items(_ tokens: [Token], intent: Intent, maxPriceCents: Int?) -> [ParsedItem] {
        segmenter.split(tokens, splitAtNumbers: intent != .update).flatMap { segment -> [ParsedItem] in
            let said = intent == .update ? UpdateQuantity.parse(segment) : QuantityParser.parse(segment)
            let words = said.words.map(\.text)
            let match = matcher.match(words, maxPriceCents: maxPriceCents)
            if let match, match.unmatchedWords > 0, let chunks = matcher.split(words, maxPriceCents: maxPriceCents) {
                // "milk eggs": the quantity said belongs to the first product.
                return chunks.enumerated().map { position, chunk in
                    let first = position == 0
                    return item(chunk, value: first ? said.value : nil, unit: first ? said.unit : nil, maxPriceCents: maxPriceCents)
                }
            }
            return [item(words, value: said.value, unit: said.unit, match: match)]
        }
    }

    private func item(_ words: [String], value: Double?, unit: QuantityUnit?, maxPriceCents: Int?) -> ParsedItem {
        item(words, value: value, unit: unit, match: matcher.match(words, maxPriceCents: maxPriceCents))
    }

    private func item(_ words: [String], value: Double?, unit: QuantityUnit?, match: ProductMatch?) -> ParsedItem {
        // A quantity that is not a finite number ("1/0") cannot travel as JSON: keep 0,
        // which is refused below like any other invalid quantity.
        let quantity = value.map { $0.isFinite ? $0 : 0 } ?? 1
        let item = NLPItem(
            phrase: words.joined(separator: " "),
            quantity: quantity,
            unit: unit ?? .each,
            product: match?.best,
            alternatives: match?.alternatives ?? [])
        return ParsedItem(
            item: item, said: value != nil, coverage: match?.coverage ?? 0, headMatched: match?.headMatched ?? false)
    }

    private func finish(text: String, intent: Intent, base: Double, items: [ParsedItem], filters: NLPFilters) -> NLPResult {
        var error: NLPProblem?
        if let bad = items.first(where: { !Self.isValidQuantity($0.item.quantity) }) {
            error = NLPProblem(
                code: .invalidQuantity,
                message: "quantity \(Self.format(bad.item.quantity)) for \"\(bad.item.phrase)\" must be more than 0 and at most \(Int(NLPResult.maxQuantity))")
        } else if intent.changesItems && items.isEmpty {
            error = NLPProblem(code: .missingItem, message: "say which item, e.g. \"\(intent.rawValue) 2 gallons of milk\"")
        } else if intent == .update, let vague = items.first(where: { !$0.said }) {
            error = NLPProblem(
                code: .missingQuantity,
                message: "say the new quantity, e.g. \"change \(vague.item.phrase.isEmpty ? "milk" : vague.item.phrase) to 3\"")
        }
        let quality = items.isEmpty ? 1 : items.map { $0.product == nil ? 0.3 : 0.5 + 0.5 * $0.coverage }.reduce(0, +) / Double(items.count)
        let confidence = ((base * quality) * 100).rounded() / 100
        return NLPResult(text: text, intent: intent, confidence: confidence, items: items.map(\.item), filters: filters, error: error)
    }

    static func isValidQuantity(_ quantity: Double) -> Bool {
        quantity.isFinite && quantity > 0 && quantity <= NLPResult.maxQuantity
    }

    private static func format(_ quantity: Double) -> String {
        guard quantity.isFinite else { return "\(quantity)" }
        if quantity == quantity.rounded(), abs(quantity) < 1e15 { return String(Int(quantity)) }
        return String(quantity)
    }
}

import Foundation
