import GroceryProtocol

/// Turns what a shopper typed into an ``NLPResult``: intent, items with quantities,
/// units and catalog matches, and filters. Pure and thread-safe; build it once per
/// catalog (building indexes the catalog) and share it.
public struct NLPParser: Sendable {
    /// The catalog matched against.
    public let catalog: Catalog
    /// The probabilistic intent layer.
    public let intentModel: IntentModel
    private let matcher: ProductMatcher
    private let segmenter: Segmenter

    /// Indexes `catalog` for matching.
    public init(catalog: Catalog = .bundled, intentModel: IntentModel = IntentModelFile.bundled) {
        self.catalog = catalog
        self.intentModel = intentModel
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
        let tokens = Tokenizer.tokenize(text)
        return IntentArbiter().decide(readByRules(text, tokens: tokens), probabilities: intentModel.probabilities(text, tokens: tokens))
    }

    /// The rules' reading of a line that passed the guard rails, for evaluating the layers apart.
    func rulesOnly(_ text: String) -> RulesReading {
        readByRules(text, tokens: Tokenizer.tokenize(text))
    }

    /// The deterministic layer.
    private func readByRules(_ text: String, tokens: [Token]) -> RulesReading {
        let (maxPrice, tokens) = PriceFilter.extract(Utterance.dropHedges(tokens))
        let filters = NLPFilters(maxPrice: maxPrice)
        let cleaned = Utterance.clean(SizeWords.mark(Self.oneMoreOrLess(Self.onlyAsUpdate(Self.lowerToTotal(tokens)))))
        let clauses = Clauses.read(cleaned) { words in
            matcher.match(words, maxPriceCents: nil).map { $0.headMatched && $0.coverage >= 0.5 } ?? false
        }
        let words = Self.trailingRequest(clauses.tokens == cleaned ? cleaned : Utterance.clean(clauses.tokens))
        guard !words.isEmpty else {
            return RulesReading(NLPResult(text: text, intent: .unknown, confidence: 1, filters: filters))
        }

        var options = ProductMatcher.Options(maxPriceCents: maxPrice.flatMap { Money.cents(dollars: $0) }, excluded: clauses.excluded, price: clauses.price)
        options.pricedWords = clauses.pricedWords
        options.perPound = clauses.perPound
        if case .aisle(let aisle) = clauses.scope { options.category = aisle }
        options.anyInScope = clauses.scopeOnly
        // "what've you got under 2 bucks in snacks", "show me stuff in the frozen aisle": the
        // aisle (or store), cheapest first.
        if clauses.scopeOnly, clauses.price == nil, Grammar.rules.firstMatch(words).map({ ![.checkout, .clear, .help].contains($0.0.intent) }) ?? true {
            let match = matcher.extreme(.lowest, in: options.category, maxPriceCents: options.maxPriceCents, limit: 8)
            let phrase = options.category.map { $0.displayName.lowercased() } ?? "store"
            let items = [item([phrase], value: nil, unit: nil, match: match)]
            return finish(text: text, intent: .search, items: items, filters: filters)
        }
        if let (rule, found) = Grammar.rules.firstMatch(words) {
            let intent = rule.intent
            var range = found
            // "put me down for 5 kiwis instead": a request inside a new total; its items.
            if intent == .update, let (inner, innerRange) = Grammar.rules.firstMatch(Array(words[range])), inner.intent == .add,
                !innerRange.isEmpty
            {
                range = (found.lowerBound + innerRange.lowerBound)..<(found.lowerBound + innerRange.upperBound)
            }
            guard intent.changesItems || intent == .search || intent == .price else {
                return RulesReading(NLPResult(text: text, intent: intent, confidence: 1, filters: filters), named: true)
            }
            // Search and price answer with a ranked list: the best and up to 7 more.
            if intent == .search || intent == .price { options.limit = 8 }
            // "which soda is the cheapest one you sell": the superlative's own words go too.
            let itemWords = clauses.price == nil ? Array(words[range]) : Clauses.superlativeQuestion(Array(words[range]))
            let items = self.items(itemWords.isEmpty ? Array(words[range]) : itemWords, intent: intent, options: options)
            return finish(text: text, intent: intent, items: items, filters: filters, named: true)
        }
        // "the cheapest mustard", "what's the priciest honey you have": a price question,
        // answered with the products in price order, like a price limit said alone.
        if clauses.price != nil {
            options.limit = 8
            let items = self.items(Clauses.superlativeQuestion(words), intent: .search, options: options)
            if items.contains(where: { $0.product != nil }) {
                // "2 lbs of the cheapest ground beef": a count makes it a request.
                let intent: Intent = items.contains(where: \.said) ? .add : .search
                return finish(text: text, intent: intent, items: items, filters: filters)
            }
        }
        // A request after a remark or a greeting ("ok I'm finished, ring me up"): the
        // part that is a whole request without items decides.
        if let intent = Self.wholePartIntent(words) {
            return RulesReading(NLPResult(text: text, intent: intent, confidence: 1, filters: filters))
        }

        // No verb: a bare product list ("apples", "3 yogurt", "water x6") means add,
        // or search when a price limit was said ("cereal under $5").
        if maxPrice != nil { options.limit = 8 }
        let items = self.items(words, intent: .add, options: options)
        let understood = items.contains { $0.product != nil && $0.coverage >= 0.5 && $0.headMatched }
        guard understood else {
            return RulesReading(NLPResult(text: text, intent: .unknown, confidence: 1, filters: filters))
        }
        // "cereal under $5" and "brown eggs?" ask; "2 boxes of cereal under $4 each" asks for two.
        let asks = maxPrice != nil || text.reversed().first(where: { !$0.isWhitespace }) == "?"
        let intent: Intent = asks && !items.contains(where: \.said) ? .search : .add
        // Nothing but products, every word explained ("blueberries", "2 milk 3 eggs"): the
        // classifier has nothing more to read.
        return finish(text: text, intent: intent, items: items, filters: filters, exact: items.allSatisfy { $0.product != nil && $0.headMatched && $0.coverage >= 1 })
    }

    /// What the rules read from a line.
    struct RulesReading {
        /// The result, before the classifier is heard.
        var result: NLPResult
        /// The quality of the items' matches: 1 without items, else the mean of 0.5 + 0.5 ×
        /// the share of each phrase its product explains (0.3 for no product).
        var quality: Double
        /// The line is nothing but products the rules explain: the classifier may doubt
        /// the intent, not overrule it.
        var exact: Bool
        /// An intent rule named the intent: a verb or a set phrase ("grab …", "put … in my
        /// cart", "clear my cart"), not a bare product list or a superlative alone.
        var named: Bool

        init(_ result: NLPResult, quality: Double = 1, exact: Bool = false, named: Bool = false) {
            self.result = result
            self.quality = quality
            self.exact = exact
            self.named = named
        }
    }

    /// Catalog products for a search phrase ("oat milk", "cereal under $5"), best first.
    public func searchProducts(_ text: String, limit: Int = 10) -> [ProductSummary] {
        guard text.count <= NLPResult.maxTextLength else { return [] }
        let (maxPrice, tokens) = PriceFilter.extract(Utterance.dropHedges(Tokenizer.tokenize(text)))
        let words = Utterance.clean(tokens).filter { !$0.isSeparator }.map(\.text)
        return matcher.search(words, maxPriceCents: maxPrice.flatMap { Money.cents(dollars: $0) }, limit: max(limit, 1))
    }

    /// An item with how well its words were matched.
    struct ParsedItem {
        var item: NLPItem
        var said: Bool
        var coverage: Double
        var headMatched: Bool
        /// Every word explained, and the phrase's head noun is the product's own.
        var explained: Bool
        var product: ProductSummary? { item.product }
    }

    /// "one less cucumber", "one more avocado": read as "remove 1 cucumber", "add 1 avocado",
    /// so the count is said.
    private static func oneMoreOrLess(_ tokens: [Token]) -> [Token] {
        guard tokens.count >= 3, ["one", "1", "another", "a"].contains(tokens[0].text) else { return tokens }
        let verb: String
        if tokens[1].text == "more", tokens[0].text != "a" {
            verb = "add"
        } else if ["less", "fewer"].contains(tokens[1].text), tokens[0].text != "another" {
            verb = "remove"
        } else {
            return tokens
        }
        return [Token(text: verb), Token(text: "1", number: 1)] + tokens[2...]
    }

    /// The package an item is said in: a unit ("the cheapest gallon of milk", "2 bags of apples",
    /// "bag of potatoes") or a pack size ("the cheapest 12 pack of soda").
    private static func package(_ said: SaidQuantity) -> ProductMatcher.Package? {
        switch said.unit {
        case .gallon: return .gallon
        case .bag: return .bag
        case .box: return .box
        default: break
        }
        let sizes = said.words.filter(\.isSize)
        if sizes.count == 2, let count = sizes[0].number, sizes[1].text == "pack", count == count.rounded(), count >= 2, count < 100 {
            return .count(Int(count))
        }
        return nil
    }

    /// "drop the apples to 2", "reduce the salmon to one and a half pounds": a new total,
    /// not a removal. Read as "change … to …".
    private static func lowerToTotal(_ tokens: [Token]) -> [Token] {
        guard let verb = tokens.firstIndex(where: { !$0.isSeparator }), ["drop", "lower", "reduce", "decrease", "cut"].contains(tokens[verb].text),
            let to = tokens.lastIndex(where: { $0.text == "to" }), to > verb + 1, to + 1 < tokens.count,
            tokens[to + 1].isNumber || Lexicon.numberWords[tokens[to + 1].text] != nil || Lexicon.quantityPhraseStarts.contains(tokens[to + 1].text)
        else { return tokens }
        var rewritten = tokens
        rewritten[verb] = Token(text: "change")
        return rewritten
    }

    /// "just 3 peppers", "only 2 please": a new total, said before "just" is dropped as a
    /// filler. Read as "make it 3 peppers".
    private static func onlyAsUpdate(_ tokens: [Token]) -> [Token] {
        guard let first = tokens.firstIndex(where: { !["ok", "okay", "so", "then", "um", "oh", "actually", "and"].contains($0.text) && !$0.isSeparator }),
            ["just", "only"].contains(tokens[first].text), first + 1 < tokens.count,
            tokens[first + 1].isNumber || Lexicon.numberWords[tokens[first + 1].text] != nil
        else { return tokens }
        var rewritten = tokens
        rewritten.replaceSubrange(first...first, with: [Token(text: "make"), Token(text: "it")])
        return rewritten
    }

    static let trailingVerbs: Set<String> = ["add", "get", "grab", "buy", "order", "take", "want", "need", "put", "throw", "toss"]
    private static let trailingObjects: Set<String> = [
        "it", "them", "that", "those", "this", "these", "one", "some", "of", "in", "into", "to", "the", "my", "cart", "basket", "please",
    ]

    /// "cheapest energy drink, add 4", "do you have gluten free pasta? add it", "toilet
    /// paper - add 2": a closing verb with only a count or a pronoun adds what was named
    /// before it. Read as "add 4 energy drink".
    private static func trailingRequest(_ words: [Token]) -> [Token] {
        guard let verb = words.lastIndex(where: { trailingVerbs.contains($0.text) }), verb > 0 else { return words }
        let object = words[(verb + 1)...]
        guard !object.isEmpty || words[verb - 1].isSeparator,
            object.allSatisfy({ $0.isNumber || Lexicon.numberWords[$0.text] != nil || trailingObjects.contains($0.text) })
        else { return words }
        var before = Array(words[..<verb])
        while before.last?.isSeparator == true { before.removeLast() }
        guard !before.isEmpty else { return words }
        // The item words of a question ("do you have gluten free pasta") or of a request.
        if let (_, range) = Grammar.rules.firstMatch(before), !range.isEmpty { before = Array(before[range]) }
        guard before.contains(where: { !$0.isSeparator && !$0.isNumber }) else { return words }
        let count = object.filter { $0.isNumber || Lexicon.numberWords[$0.text] != nil }
        return [Token(text: "add")] + count + before
    }

    /// The intent of a part between commas that is a whole request needing no items
    /// (checkout, cart, clear, help), when no other part names a product.
    private static func wholePartIntent(_ words: [Token]) -> Intent? {
        var parts: [[Token]] = [[]]
        for token in words {
            if token.isSeparator { parts.append([]) } else { parts[parts.count - 1].append(token) }
        }
        guard parts.count > 1 else { return nil }
        for part in parts.reversed() where !part.isEmpty {
            if let (rule, range) = Grammar.rules.firstMatch(Utterance.clean(part)), range.isEmpty,
                [.checkout, .cart, .clear, .help].contains(rule.intent)
            {
                return rule.intent
            }
        }
        return nil
    }

    private func items(_ tokens: [Token], intent: Intent, options: ProductMatcher.Options) -> [ParsedItem] {
        let maxPriceCents = options.maxPriceCents
        if options.anyInScope, let price = options.price {
            let said = QuantityParser.parse(tokens.filter { !$0.isSeparator })
            let match = matcher.extreme(price, in: options.category, maxPriceCents: maxPriceCents, limit: options.limit)
            return [item(said.words.map(\.text), value: said.value, unit: said.unit, match: match)]
        }
        if let preference = options.price, let choice = choice(tokens, preference: preference, options: options) { return [choice] }
        let segments = segmenter.split(tokens, splitAtNumbers: intent != .update)
        // Several items and a superlative said for some of them: each item its own.
        let perItem = segments.count > 1 && segments.contains { $0.said.words.contains { options.pricedWords[$0.text] != nil } }
        return segments.flatMap { segment -> [ParsedItem] in
            var options = options
            if perItem { options.price = segment.said.words.lazy.compactMap { options.pricedWords[$0.text] }.first }
            options.package = Self.package(segment.said)
            let said = intent == .update ? UpdateQuantity.parse(segment.tokens) : segment.said
            // Size words go first, so the head noun is the product's, not the size's ("dr
            // pepper 12-pack" is matched as "12 pack dr pepper").
            var words = (said.words.filter(\.isSize) + said.words.filter { !$0.isSize }).map(\.text)
            var match = matcher.match(words, options: options)
            // "6 limes for margaritas tonight": a purpose after the item, when the item
            // alone is fully explained.
            let hasSize = said.words.contains(where: \.isSize)
            // With a superlative, a purpose is cut even when it matches something ("the
            // priciest syrup for the waffles" is not the cheaper pancake syrup).
            if let found = match, found.unmatchedWords > 0 || options.price != nil,
                let purpose = words.indices.dropFirst().first(where: { Self.remarkStarts.contains(words[$0]) && (found.unmatchedWords > 0 || Self.isPurpose(words, at: $0)) }),
                let item = matcher.match(Array(words[..<purpose]), options: options), item.unmatchedWords == 0, item.headMatched
            {
                (words, match) = (Array(words[..<purpose]), item)
            }
            // A size said with the product ("dr pepper 12-pack") is one item, whatever it leaves unexplained.
            if let match, match.unmatchedWords > 0, !hasSize, let chunks = matcher.split(words, maxPriceCents: maxPriceCents) {
                // "milk eggs": the quantity said belongs to the first product.
                return chunks.enumerated().map { position, chunk in
                    let first = position == 0
                    return item(chunk, value: first ? said.value : nil, unit: first ? said.unit : nil, options: options)
                }
            }
            return [item(words, value: said.value, unit: said.unit, match: match)]
        }.dropRemarks().inTheirCompany()
    }

    /// "for the waffles", "for my kids", "for dinner": a purpose, not a kind ("soap for dishes").
    private static func isPurpose(_ words: [String], at index: Int) -> Bool {
        words[index] == "for" && index + 1 < words.count
            && ["the", "my", "our", "a", "an", "his", "her", "their", "tonight", "dinner", "lunch", "breakfast"].contains(words[index + 1])
    }

    /// Words that start what is said about an item, not the item: a purpose ("6 limes for
    /// margaritas"), a reason ("shampoo bc im broke"), the speaker ("red onions we have
    /// plenty"), an aside ("thighs gotta meal prep").
    static let remarkStarts: Set<String> = Set([
        "for", "because", "since", "bc", "cuz", "cause", "we", "i", "im", "ive", "weve", "were", "gotta", "asking", "as", "if", "those",
        "kid", "kids", "hubby", "lemme", "its", "theyre", "they", "he", "she", "my", "our", "any", "need", "wants",
    ]).union(Clauses.remarkOnlyStarts)

    /// "mushrooms, which is less expensive, white or baby bella", "cheapest trash bags,
    /// kitchen or big ones": a superlative over alternatives said with "or" picks among
    /// the best product of each, those of the first one's aisle.
    private func choice(_ tokens: [Token], preference: Clauses.PricePreference, options: ProductMatcher.Options) -> ParsedItem? {
        guard tokens.contains(where: { $0.text == "or" }) else { return nil }
        var alternatives: [[String]] = [[]]
        for token in tokens where !token.isSeparator && !token.isNumber {
            if token.text == "or" { alternatives.append([]) } else { alternatives[alternatives.count - 1].append(token.text) }
        }
        var plain = options
        plain.price = nil
        let matched = alternatives.filter { !$0.isEmpty }.compactMap { words -> ([String], ProductMatch)? in
            guard let match = matcher.match(words, options: plain), match.headMatched else { return nil }
            return (words, match)
        }
        guard matched.count >= 2, let aisle = matched.first?.1.best.category else { return nil }
        let sameAisle = matched.filter { $0.1.best.category == aisle }
        guard sameAisle.count >= 2 else { return nil }
        let chosen = sameAisle.min { a, b in
            preference == .lowest ? a.1.best.price < b.1.best.price : a.1.best.price > b.1.best.price
        }
        return chosen.map { item($0.0, value: nil, unit: nil, match: $0.1) }
    }

    private func item(_ words: [String], value: Double?, unit: QuantityUnit?, options: ProductMatcher.Options) -> ParsedItem {
        item(words, value: value, unit: unit, match: matcher.match(words, options: options))
    }

    private func item(_ words: [String], value: Double?, unit: QuantityUnit?, match: ProductMatch?) -> ParsedItem {
        // A quantity that is not a finite number ("1/0") cannot travel as JSON: keep 0,
        // which is refused below like any other invalid quantity.
        let quantity = value.map { $0.isFinite ? $0 : 0 } ?? 1
        // A product that explains neither the head noun nor half the words is a guess
        // ("drop table users" is not table salt): no product, so nothing changes.
        let match = match.flatMap { $0.headMatched || ($0.coverage >= 0.5 && $0.unmatchedWords == 0) ? $0 : nil }
        let item = NLPItem(
            phrase: words.joined(separator: " "),
            quantity: quantity,
            quantitySaid: value != nil,
            unit: unit ?? .each,
            product: match?.best,
            alternatives: match?.alternatives ?? [])
        return ParsedItem(
            item: item, said: value != nil, coverage: match?.coverage ?? 0, headMatched: match?.headMatched ?? false,
            explained: match.map { $0.namesHead && $0.unmatchedWords == 0 } ?? false)
    }

    private func finish(text: String, intent: Intent, items: [ParsedItem], filters: NLPFilters, exact: Bool = false, named: Bool = false) -> RulesReading {
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
        let result = NLPResult(text: text, intent: intent, confidence: quality, items: items.map(\.item), filters: filters, error: error)
        return RulesReading(result, quality: quality, exact: exact, named: named)
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

extension [NLPParser.ParsedItem] {
    /// "pampers size 4, kid is growing so fast", "soup and, if it's not too much trouble,
    /// the chicken noodle": a part that starts like a remark and is not a product said
    /// whole is not an item, when another part is.
    func dropRemarks() -> [NLPParser.ParsedItem] {
        guard count > 1 else { return self }
        let kept = filter { item in
            guard let first = item.item.phrase.split(separator: " ").first.map(String.init) else { return true }
            return item.explained || item.said || !(NLPParser.remarkStarts.contains(first) || ["are", "is", "was"].contains(first))
        }
        return kept.isEmpty ? self : kept
    }
}

extension [NLPParser.ParsedItem] {
    /// "salt and pepper": a one-word item whose best product is in another aisle than all
    /// the items beside it takes the alternative of their aisle (the spice, not the bell
    /// pepper), when it has one that is the word: its name ends in it.
    func inTheirCompany() -> [NLPParser.ParsedItem] {
        guard count > 1 else { return self }
        var items = self
        for index in items.indices {
            let phrase = items[index].item.phrase
            guard !phrase.isEmpty, !phrase.contains(" "), let best = items[index].item.product else { continue }
            let others = items.indices.filter { $0 != index }.compactMap { items[$0].item.product?.category }
            guard others.count == count - 1, let aisle = others.first, others.allSatisfy({ $0 == aisle }), best.category != aisle,
                let alternative = items[index].item.alternatives.first(where: {
                    $0.category == aisle && $0.name.lowercased().split(separator: " ").last.map { Stemmer.stem(String($0)) == Stemmer.stem(phrase) } == true
                })
            else { continue }
            items[index].item.alternatives = [best] + items[index].item.alternatives.filter { $0 != alternative }
            items[index].item.product = alternative
        }
        return items
    }
}
