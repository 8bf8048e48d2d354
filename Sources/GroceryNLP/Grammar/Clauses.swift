/// Clauses that change what the rest of a query means, read before the intent rules:
/// a self-correction ("add 4 pears, no wait 5", "get cheese... actually make that
/// mozzarella"), an exclusion ("rice but not the brown one", "crackers, no saltines"), a
/// price preference ("the cheapest mustard"), and a remark after the request ("remove
/// the onions, we have plenty"). Each is taken out of the words, so "not" and "no" never
/// reach the catalog (where they would match *I Can't Believe It's Not Butter!*).
struct Clauses: Sendable {
    /// Which of the matching products a superlative asks for.
    enum PricePreference: Sendable {
        case lowest, highest
    }

    /// Where a superlative looks ("in the bakery", "in the whole store").
    enum Scope: Sendable, Equatable {
        case store
        case aisle(ProductCategory)
    }

    /// Question words around a superlative asked as a question ("what's the cheapest milk
    /// you have", "which coffee is the most expensive"), dropped with it.
    private static let questionLead = Pattern("(whats|what_is|what_are|what|which|which_is|which_are|whichever|whatever|show_me|find_me|give_me|tell_me|what_s)? (is|are|of)? (the|your)?")
    private static let questionTails = [
        Pattern("(you|u|ya|yall|you_guys)? (have|got|sell|carry|stock|do_you_have|do_you_sell|do_you_carry|have_got) (here|today|now)?"),
        Pattern("is|are|one|ones|there_is|available|in_stock|around|right_now|now|today|here"),
    ]

    private static let genericNouns: Set<String> = ["thing", "things", "item", "items", "product", "products", "stuff", "one", "ones"]

    /// The words of a superlative question without its question words.
    static func superlativeQuestion(_ tokens: [Token]) -> [Token] {
        var tokens = tokens
        if let length = questionLead.longestMatch(tokens.map(\.text)[...], from: 0), length > 0, length < tokens.count {
            tokens.removeFirst(length)
        }
        var changed = true
        while changed {
            changed = false
            for tail in questionTails {
                if let start = tail.suffixStarts(tokens.map(\.text)[...]).first(where: { $0 > 0 }) {
                    tokens.removeSubrange(start...)
                    changed = true
                }
            }
        }
        // "which Pepperidge Farm thing costs the most": the thing is whatever they make.
        let named = tokens.filter { !genericNouns.contains($0.text) && !$0.isSeparator }
        return named.isEmpty ? tokens : named
    }

    /// The query with the clauses applied.
    var tokens: [Token]
    /// Words the shopper does not want in the product ("brown", "saltines").
    var excluded: [String] = []
    var price: PricePreference?
    /// Per superlative, a word of the item it is about, for a query of several items.
    var pricedWords: [String: PricePreference] = [:]
    /// A superlative by the pound ("the cheapest onions per pound", "… for pound").
    var perPound = false
    /// The aisle (or the whole store) a superlative is asked about.
    var scope: Scope?
    /// Whether the scope is all the superlative names ("the most expensive thing in the
    /// bakery", "which produce item is cheapest"): any product there will do.
    var scopeOnly = false

    private static let superlativeLead = "(the|a|an|your|has_the|with_the|that_has_the|that_have_the|have_the|having_the|at_the|which|which_one|which_ones|which_one_is|which_is|whichever|whichever_one|whichever_ones|whichever_one_is|whichever_is|whatever|whatevers|whatever_is|whatever_one_is|is|are|r)?"
    private static let lowest = Pattern(
        superlativeLead + " (cheapest|least_expensive|lowest_priced|lowest_price_on|lowest_price_for|lowest_prices_on|cheapest_price_on|cheapest_price_for|lowest_price|lowest_cost|most_affordable|cheapo|budget|cheapest_possible|least_pricey|best_deal_on|best_deal_for|best_price_on|best_price_for|best_value|costs_the_least|cost_the_least|is_cheapest|lowest_price_tag|smallest_price|most_cheap|more_cheap|cost_the_less|costs_the_less|cost_less|costs_less|less_expensive|less_pricey|cheaper|cheapper|least_costly|less_costly|most_economical|bargain|bargain_priced|cheapest_option_for|cheapest_option_of|cheapest_choice_for|cheapest_kind_of|cheapest_brand_of|cheapest_one_of|cheapest_among|cheapest_of_all|cheapest_out_of)")
    private static let highest = Pattern(
        superlativeLead + " (priciest|most_expensive|highest_priced|costliest|dearest|fanciest|most_premium|best_quality|top_shelf|spendiest|costs_the_most|cost_the_most|highest_price|highest_cost|biggest_price|highest_price_tag|most_pricey|more_expensive|more_pricey|pricier|most_costly|more_costly|most_bougie|bougiest|boujiest|most_boujee|top_of_the_line|top_of_the_range|high_end|highest_end|most_high_end)")
    /// Correction markers that mean it wherever they are.
    private static let strongCorrection = Pattern(
        "(no|oh|oops|sorry|wait|um|uh|nah)? (no_wait|wait_no|jk|just_kidding|no_make_that|no_make_it|make_that|i_mean|i_meant|scratch_that|or_rather|actually_make_that|actually_make_it|actually_no|correction|change_that_to|i_said|not_that)")
    /// Markers that correct only right after a pause (a comma, "..."): "cheese, sorry, brie".
    private static let weakCorrection = Pattern("(ah|oh|uh|um|er)? (no|nope|nah|wait|sorry|actually|oops|rather|make_it|i_mean_like)")
    private static let correctionLead = Pattern("(make_that|make_it|it_should_be|its|to|like|uh|um|a|just)")
    private static let exclusion = Pattern("(but|and|just|though|only)? (not|no|nothing|except|except_for|other_than|anything_but|but_not|excluding|minus_the|skip_the|hold_the|nothing_with|none_of_the)")
    /// Words a remark after a comma begins with ("we have plenty", "almost out lol").
    private static let remarkStarts: Set<String> = [
        "we", "i", "ive", "weve", "im", "were", "theyre", "its", "thats", "theres", "there", "you", "they", "he", "she", "it", "that",
        "this", "our", "my", "id", "wed", "ill", "almost", "nearly", "running", "lol", "haha", "because", "since", "cause", "cuz", "for",
        "making", "cooking", "baking", "grilling", "hosting", "having", "doing", "throwing", "feeding",
    ]
    /// Words that begin a remark and never a request ("gonna use it as body wash too").
    static let remarkOnlyStarts: Set<String> = ["too", "so", "if", "tryna", "gonna", "lowkey", "cuz", "bc"]
    /// Who a remark is about ("the kids love em").
    private static let people: Set<String> = ["kids", "kid", "children", "family", "wife", "husband", "hubby", "boys", "girls", "guests", "baby", "dog", "cat"]
    /// People who, said first, begin a remark ("wife wants the good stuff"); not "dog",
    /// "cat" or "baby", which begin products too ("dog food").
    private static let remarkPeople = people.subtracting(["baby", "dog", "cat"])
    /// "but keep the salsa", "and leave the bread": what is not to change.
    private static let keep = Pattern("(but|and)? (keep|leave|keeping|leaving)")
    /// Words of an exclusion that name no product ("not the brown one").
    private static let exclusionFiller: Set<String> = [
        "the", "a", "an", "any", "one", "ones", "kind", "kinds", "type", "types", "brand", "sort", "of", "those", "that", "these", "this",
        "thing", "stuff", "please", "thanks", "though", "tho", "version",
    ]

    /// `isProduct` tells whether words name a catalog product (so a remark that asks for
    /// one is kept).
    static func read(_ input: [Token], isProduct: ([String]) -> Bool) -> Clauses {
        var clauses = Clauses(tokens: input)
        clauses.dropVocatives()
        clauses.readPricePreference()
        clauses.readScope()
        clauses.readTrailingCount()
        clauses.readCorrection()
        clauses.readExclusions()
        clauses.dropKeeps()
        clauses.readClarifiers()
        clauses.dropRemarks(isProduct: isProduct)
        return clauses
    }

    private var words: ArraySlice<String> { tokens.map(\.text)[...] }

    /// Misspelt superlatives read as meant ("cheapst", "most expensve").
    private static let superlativeSpellings = ["cheapest", "expensive", "priciest"].map { Array($0.utf8) }
    private static let superlativeInitials = Set(superlativeSpellings.compactMap(\.first))
    /// Words without one of which no superlative is said.
    private static let superlativeAnchors = WordSet(lowest.anchorWords.union(highest.anchorWords))

    /// Misspellings too far from the word for the edit distance, or too short for it.
    private static let soundsLikeCheap: [String: String] = [
        "cheep": "cheap", "cheeper": "cheaper", "cheepest": "cheapest", "cheepist": "cheapest", "cheapist": "cheapest", "cheepst": "cheapest",
        "chepest": "cheapest", "chepist": "cheapest",
    ]

    private mutating func readPricePreference() {
        for index in tokens.indices {
            if let meant = Self.soundsLikeCheap[tokens[index].text] { tokens[index] = Token(text: meant) }
        }
        for index in tokens.indices where tokens[index].text.utf8.count >= 6 && !tokens[index].isNumber
            && Self.superlativeInitials.contains(tokens[index].text.utf8.first ?? 0)
        {
            let word = Array(tokens[index].text.utf8)
            let near = Self.superlativeSpellings.first { meant in
                meant.first == word.first && abs(meant.count - word.count) <= 2 && meant != word
                    && FuzzyIndex.distance(meant, word) <= (meant.count >= 9 ? 2 : 1)
            }
            if let meant = near {
                tokens[index] = Token(text: String(decoding: meant, as: UTF8.self))
            }
        }
        // Every superlative, in order ("the cheapest milk and the priciest cheese"); the
        // first is the query's, each one also its item's.
        guard tokens.contains(where: { Self.superlativeAnchors.contains($0.text) }) else { return }
        var start = 0
        var words = self.words
        while start < tokens.count {
            let (length, preference): (Int, PricePreference)
            if let lowest = Self.lowest.longestMatch(words, from: start), lowest > 0 {
                (length, preference) = (lowest, .lowest)
            } else if let highest = Self.highest.longestMatch(words, from: start), highest > 0 {
                (length, preference) = (highest, .highest)
            } else {
                start += 1
                continue
            }
            // "the cheapest one" said alone keeps a word to match: only the superlative goes.
            tokens.removeSubrange(start..<start + length)
            words = self.words
            if price == nil { price = preference }
            // The item it is about: the first word after it, or before it ("which soda is cheapest").
            let after = tokens[start...].prefix { !$0.isSeparator && !Grammar.joiners.contains($0.text) }.first { !Self.itemFiller.contains($0.text) }
            let before = tokens[..<start].last { !$0.isSeparator && !Self.itemFiller.contains($0.text) }
            if let word = (after ?? before)?.text, pricedWords[word] == nil { pricedWords[word] = preference }
        }
        guard price != nil else { return }
        words = self.words
        if let start = tokens.indices.first(where: { (Self.byThePound.longestMatch(words, from: $0) ?? 0) > 0 }),
            let length = Self.byThePound.longestMatch(words, from: start)
        {
            tokens.removeSubrange(start..<start + length)
            perPound = true
        }
    }

    private static let byThePound = Pattern("(per|a|for|by_the|each|every|the) (pound|lb|lbs)")

    /// Words between a superlative and its item ("the cheapest **of the** pears").
    private static let itemFiller: Set<String> = ["the", "a", "an", "of", "one", "ones", "is", "are", "which", "what", "whats", "your", "my", "some", "any"]

    private static let aisles: [String: ProductCategory] = [
        "produce": .produce, "fruit": .produce, "fruits": .produce, "vegetables": .produce, "veggies": .produce, "veg": .produce,
        "dairy": .dairy, "bakery": .bakery, "meat": .meat, "meats": .meat, "seafood": .meat, "butcher": .meat, "deli": .meat,
        "pantry": .pantry, "frozen": .frozen, "freezer": .frozen, "beverage": .beverages, "beverages": .beverages, "drinks": .beverages,
        "drink": .beverages, "snack": .snacks, "snacks": .snacks, "household": .household, "cleaning": .household,
        "toiletries": .personalCare, "baby": .baby, "pet": .pet, "pets": .pet,
    ]
    /// Aisle names that, said alone, mean the aisle, not a product in it ("the priciest
    /// snack"; "the cheapest fruit" is still a fruit, not any produce).
    private static let wholeAisles: Set<String> = [
        "snack", "snacks", "dairy", "bakery", "produce", "pantry", "frozen", "household", "beverages", "drinks", "toiletries",
    ]
    /// Words that name no product, only a place in a scope ("the most expensive thing in …").
    private static let scopeFiller: Set<String> = [
        "thing", "things", "item", "items", "product", "products", "one", "ones", "stuff", "anything", "something", "everything",
        "in", "from", "of", "at", "on", "the", "your", "this", "whole", "entire", "aisle", "aisles", "section", "department", "dept",
        "store", "shop", "place", "here", "which", "what", "whats", "is", "are", "available", "right", "now", "today", "you", "have",
        "got", "sell", "personal", "care", "whatve", "show", "me", "give", "list", "do", "does", "u", "ya", "carry", "stock", "there",
        "any", "some", "cheap", "find", "see", "browse", "look", "looking", "for", "can", "i", "get", "please",
    ]
    private static let storeScope = Pattern("(in|at|from|of) (the|your|this)? (whole|entire)? (store|shop|place|catalog|catalogue)")

    /// "… in the bakery", "… in the whole store", "which produce item …": where the
    /// superlative looks. The scope phrase leaves the words.
    private mutating func readScope() {
        if let start = Self.storeScope.suffixStarts(words).first(where: { $0 > 0 }) {
            tokens.removeSubrange(start...)
            scope = .store
        } else if let (start, aisle) = trailingAisle() {
            tokens.removeSubrange(start...)
            scope = .aisle(aisle)
        }
        let named = tokens.filter { !$0.isSeparator && !Self.scopeFiller.contains($0.text) }.map(\.text)
        let words = tokens.map(\.text)
        // Without a superlative only a closing "in the … aisle" is a scope.
        guard price != nil else {
            scopeOnly = scope != nil && named.isEmpty
            return
        }
        if scope == nil, named.isEmpty, let care = words.firstIndex(of: "care"), care > 0, words[care - 1] == "personal" {
            scope = .aisle(.personalCare)  // "the most expensive personal care item"
            scopeOnly = true
        } else if scope == nil, named.count == 1, let aisle = Self.aisles[named[0]], tokens.count > 1 || Self.wholeAisles.contains(named[0]) {
            scope = .aisle(aisle)  // "which produce item", "the priciest snack"
            scopeOnly = true
        } else if scope != nil {
            scopeOnly = named.isEmpty || (named.count == 1 && Self.aisles[named[0]] != nil)
        }
    }

    /// "in the pet aisle", "from produce", "in personal care" closing the words: where
    /// the phrase starts, and the aisle.
    private func trailingAisle() -> (start: Int, aisle: ProductCategory)? {
        guard var end = tokens.lastIndex(where: { !$0.isSeparator }) else { return nil }
        if ["aisle", "aisles", "section", "department", "dept"].contains(tokens[end].text) { end -= 1 }
        guard end > 0 else { return nil }
        var first = end
        var aisle = Self.aisles[tokens[end].text]
        if tokens[end].text == "care", tokens[end - 1].text == "personal" { (aisle, first) = (.personalCare, end - 1) }
        guard let aisle else { return nil }
        var start = first - 1
        while start > 0, ["the", "your", "whole", "entire"].contains(tokens[start].text) { start -= 1 }
        guard start > 0, ["in", "at", "from", "of", "on"].contains(tokens[start].text) else { return nil }
        return (start, aisle)
    }

    /// The last correction wins: what follows it replaces the item it corrects, or just
    /// that item's quantity when it is only a number ("no wait 5").
    private mutating func readCorrection() {
        let words = self.words
        var found: (start: Int, end: Int)?
        for start in tokens.indices.dropFirst() {
            if let previous = found, start < previous.end { continue }  // inside the marker found
            // "add 3 no 4 lemons": a marker between two counts needs no pause.
            let betweenCounts = Self.isQuantityWord(tokens[start - 1]) && start + 1 < tokens.count && Self.isQuantityWord(tokens[start + 1])
            let afterPause = tokens[start - 1].isSeparator || (start + 1 < tokens.count && tokens[start + 1].isSeparator) || betweenCounts
            // Markers in a row ("no wait, make it 2 …") are one correction.
            func note(_ end: Int) {
                if let previous = found, tokens[previous.end..<start].allSatisfy(\.isSeparator) {
                    found = (previous.start, end)
                } else {
                    found = (start, end)
                }
            }
            if let length = Self.strongCorrection.longestMatch(words, from: start), length > 0,
                !Self.isExclusionOfThat(words, at: start, length: length)
            {
                note(start + length)
            } else if afterPause, let length = Self.weakCorrection.longestMatch(words, from: start), length > 0 {
                let next = start + length
                // ", no saltines" excludes; ", no 5" and ", no, 5" correct.
                if ["no", "nope"].contains(tokens[start].text), length == 1, next < tokens.count, !Self.isQuantityWord(tokens[next]), !tokens[next].isSeparator {
                    continue
                }
                note(next)
            }
        }
        guard let (start, end) = found else { return }
        var before = Array(tokens[..<start])
        while let last = before.last, last.isSeparator || Grammar.joiners.contains(last.text) { before.removeLast() }
        var after = Array(tokens[end...])
        while after.first?.isSeparator == true { after.removeFirst() }
        while let first = after.first?.text, let length = Self.correctionLead.longestMatch(after.map(\.text)[...], from: 0), length > 0,
            length < after.count || first == "to"
        {
            after.removeFirst(length)
            while after.first?.isSeparator == true { after.removeFirst() }
        }
        guard !after.isEmpty, !before.isEmpty else { return }
        if after.allSatisfy({ Self.isQuantityWord($0) || Lexicon.units[$0.text] != nil }) {
            tokens = Self.replacingQuantity(in: before, with: after)
            return
        }
        // "3 bananas, no 4, and a red bull": a new count, then more items.
        if let pause = after.firstIndex(where: { $0.isSeparator || Grammar.joiners.contains($0.text) }), pause > 0,
            after[..<pause].allSatisfy({ Self.isQuantityWord($0) || Lexicon.units[$0.text] != nil })
        {
            tokens = Self.replacingQuantity(in: before, with: Array(after[..<pause])) + [.separator] + after[pause...]
            return
        }
        if let (rule, range) = Grammar.rules.firstMatch(after), range.lowerBound > 0, rule.intent != .update {
            tokens = after  // "add milk, sorry, remove the milk": the new request stands alone
            return
        }
        let itemStart = Grammar.rules.firstMatch(before)?.1.lowerBound ?? 0
        let lastItemStart = before.indices.last { $0 >= itemStart && (before[$0].isSeparator || Grammar.joiners.contains(before[$0].text)) }
            .map { $0 + 1 } ?? itemStart
        var replacement = after
        // "red peppers -- no, green ones": the new words describe the same thing.
        if after.count >= 2, let last = after.last, Self.kindWords.contains(last.text), let head = before.last, !head.isSeparator {
            replacement = after.dropLast() + [head]
        }
        // "add 2 cheddar, actually make that mozzarella": the quantity stays, and its unit
        // ("1 gallon of 2%… oops, whole milk", "a couple red peppers").
        let item = Array(before[lastItemStart...])
        let said = QuantityParser.parse(item)
        let quantityLength = item.count - said.words.count
        if !after.contains(where: Self.isQuantityWord), said.value != nil, quantityLength > 0, item.suffix(said.words.count).elementsEqual(said.words) {
            var kept = Array(item.prefix(quantityLength))
            // A unit the correction says itself replaces the one before.
            if Lexicon.units[after.first?.text ?? ""] != nil { kept = kept.filter { Lexicon.units[$0.text] == nil && $0.text != "of" } }
            replacement.insert(contentsOf: kept, at: 0)
        }
        tokens = Array(before[..<lastItemStart]) + replacement
    }

    /// "heavy cream, 4 of em", "the cheapest bell pepper, I need three": a closing part
    /// that is only a count (of what was named) is the item's quantity. Anything after
    /// "of em" is a remark ("like 6 of em for lunches").
    private mutating func readTrailingCount() {
        guard let pause = tokens.lastIndex(where: \.isSeparator), pause > 0 else { return }
        let words = self.words
        // "…? add two" is a closing request, read with the parser's other closing verbs.
        guard pause + 1 < tokens.count, !NLPParser.trailingVerbs.contains(tokens[pause + 1].text) else { return }
        let asked = Self.countLead.longestMatch(words, from: pause + 1) ?? 0
        let at = pause + 1 + asked
        guard at < tokens.count, Self.isQuantityWord(tokens[at]) else { return }
        let ofThem = Self.ofThem.longestMatch(words, from: at + 1) ?? 0
        guard asked > 0 || ofThem > 0 else { return }  // ", 3" alone is read elsewhere
        let rest = at + 1 + ofThem
        guard rest == tokens.count || ofThem > 0 && ["for", "so", "cuz", "because", "since"].contains(tokens[rest].text) else { return }
        var before = Array(tokens[..<pause])
        while let last = before.last, last.isSeparator { before.removeLast() }
        guard before.contains(where: { !$0.isSeparator && !Self.isQuantityWord($0) }) else { return }
        tokens = Self.replacingQuantity(in: before, with: [tokens[at]])
    }

    private static let countLead = Pattern("(like|about|maybe|just|so|and|i|ill|i_will|we|please)? (need|want|add|take|will_take|d_like|would_like|get)? (like|about|maybe|just)?")
    private static let ofThem = Pattern("(of)? (em|them|those|these|it|please|pls|thanks)")

    /// "but not that farmhouse one" excludes; "not that, the oat milk" corrects.
    private static func isExclusionOfThat(_ words: ArraySlice<String>, at start: Int, length: Int) -> Bool {
        words[start..<start + length].elementsEqual(["not", "that"]) && start + length < words.endIndex && words[start + length] != ","
            && start > words.startIndex && words[start - 1] == "but"
    }

    private static func isQuantityWord(_ token: Token) -> Bool {
        token.isNumber || Lexicon.numberWords[token.text] != nil
    }

    /// "add 4 pears" + "5" → "add 5 pears"; with no number said, the new one goes first.
    private static func replacingQuantity(in before: [Token], with quantity: [Token]) -> [Token] {
        var tokens = before
        if let last = tokens.indices.last(where: { isQuantityWord(tokens[$0]) }) {
            var end = last + 1
            if quantity.contains(where: { Lexicon.units[$0.text] != nil }), end < tokens.count, Lexicon.units[tokens[end].text] != nil { end += 1 }
            tokens.replaceSubrange(last..<end, with: quantity)
            return tokens
        }
        let itemStart = Grammar.rules.firstMatch(before)?.1.lowerBound ?? 0
        tokens.insert(contentsOf: quantity, at: itemStart)
        return tokens
    }

    /// "pepsi not coke": one word against one word, closing the request, is a contrast
    /// ("its not butter" is a name, "do not" a verb).
    private static func isContrast(_ tokens: [Token], notAt index: Int, length: Int) -> Bool {
        let end = index + length
        return length == 1 && tokens[index].text == "not" && end < tokens.count && (end + 1 == tokens.count || tokens[end + 1].isSeparator)
            && !tokens[index - 1].isSeparator && !tokens[end].isNumber
            && !["its", "is", "are", "im", "was", "were", "do", "does", "did", "believe", "thats", "it", "if", "or", "but", "and", "need", "want"]
                .contains(tokens[index - 1].text)
            && (index < 2 || tokens[index - 2].isSeparator || !["its", "is", "are"].contains(tokens[index - 2].text))
    }

    /// "but not the brown one", ", no saltines", "except the decaf": the words go to
    /// ``excluded`` and out of the query.
    private mutating func readExclusions() {
        var index = 1
        var words = self.words
        while index < tokens.count {
            guard let length = Self.exclusion.longestMatch(words, from: index), length > 0 else {
                index += 1
                continue
            }
            let marker = Array(tokens[index..<index + length]).map(\.text)
            let afterPause = tokens[index - 1].isSeparator
            // A bare "not"/"no" excludes only after a pause or "but"; "no more" is not a product.
            let bare = marker == ["no"] || marker == ["not"] || marker == ["nothing"] || marker == ["and", "no"] || marker == ["and", "not"]
            // "the regular ones not organic", "the 80/20 not the lean stuff": a describing
            // word or "the" after it is as clear as a pause.
            let described = Self.kindWords.contains(tokens[index - 1].text) || tokens[index - 1].isSize
                || (index + length < tokens.count && ["the", "those", "that", "any"].contains(tokens[index + length].text) && marker.last == "not")
                || Self.isContrast(tokens, notAt: index, length: length)
            var end = index + length
            // "I want 2 rotisserie chickens, not 1": the count said is the new total, as
            // with "… instead".
            if bare, afterPause, end < tokens.count, Self.isQuantityWord(tokens[end]),
                end + 1 == tokens.count || tokens[end + 1].isSeparator
            {
                tokens.replaceSubrange((index - 1)..<(end + 1), with: [Token(text: "instead")])
                words = self.words
                continue
            }
            guard end < tokens.count, !bare || afterPause || described, !["more", "longer", "thanks", "thank", "need", "needed"].contains(tokens[end].text),
                !Self.isQuantityWord(tokens[end])
            else {
                index += 1
                continue
            }
            while end < tokens.count, !tokens[end].isSeparator, !["and", "plus", "but"].contains(tokens[end].text) { end += 1 }
            let named = tokens[(index + length)..<end].map(\.text).filter { !Self.exclusionFiller.contains($0) }
            guard !named.isEmpty else {
                index += 1
                continue
            }
            excluded += named
            var start = afterPause ? index - 1 : index
            // ", anything except chunky": the "anything" goes with the exclusion.
            while start > 0, ["anything", "any", "whatever", "something", "everything", "all"].contains(tokens[start - 1].text) { start -= 1 }
            if start > 0, tokens[start - 1].isSeparator, start < index { start -= 1 }
            tokens.removeSubrange(start..<end)
            words = self.words
            index = max(start, 1)
        }
    }

    private static let kindWords: Set<String> = ["kind", "kinds", "type", "types", "one", "ones", "variety", "version", "sort", "style"]

    /// "coffee, the ground kind", "milk, the organic one": the words describe the item
    /// before, and go in front of its noun ("ground coffee").
    private mutating func readClarifiers() {
        var index = tokens.count - 1
        while index > 0 {  // "salmon, the wild one": the item may be the first word
            defer { index -= 1 }
            guard tokens[index].isSeparator else { continue }
            let end = tokens[(index + 1)...].firstIndex(where: \.isSeparator) ?? tokens.count
            var part = Array(tokens[(index + 1)..<end])
            guard part.count >= 2, let last = part.last, Self.kindWords.contains(last.text) else { continue }
            part.removeLast()
            if ["the", "a", "an", "that"].contains(part.first?.text ?? "") { part.removeFirst() }
            guard (1...3).contains(part.count), !tokens[index - 1].isSeparator else { continue }
            tokens.removeSubrange(index..<end)
            tokens.insert(contentsOf: part, at: index - 1)
        }
    }

    /// Words that, alone between pauses, only address the listener ("I need cottage
    /// cheese, dear, the low fat one").
    private static let vocatives: Set<String> = ["dear", "dearie", "hon", "hun", "sweetie", "love", "mate", "buddy", "bro", "dude", "fam", "sir", "maam"]

    /// Also makes pauses in a row one ("cheese, , the low fat one" once a filler is gone).
    private mutating func dropVocatives() {
        var kept: [Token] = []
        kept.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            if Self.vocatives.contains(token.text), kept.last?.isSeparator == true, index + 1 == tokens.count || tokens[index + 1].isSeparator {
                kept.removeLast()  // the word and the pause before it
            } else if !(token.isSeparator && kept.last?.isSeparator == true) {
                kept.append(token)
            }
        }
        if kept.count != tokens.count { tokens = kept }
    }

    /// "remove the chips but keep the salsa": the kept part names nothing to change.
    private mutating func dropKeeps() {
        let words = self.words
        guard let start = tokens.indices.dropFirst().first(where: { (Self.keep.longestMatch(words, from: $0) ?? 0) > 0 }) else { return }
        let end = tokens[start...].firstIndex(where: \.isSeparator) ?? tokens.count
        tokens.removeSubrange(start..<end)
    }

    /// A part after a comma that starts with a pronoun is a remark ("we have plenty",
    /// "that's all") unless it asks for something itself ("I also need eggs").
    private mutating func dropRemarks(isProduct: ([String]) -> Bool) {
        var index = tokens.count - 1
        while index > 0 {
            defer { index -= 1 }
            guard tokens[index].isSeparator, index + 1 < tokens.count,
                Self.remarkStarts.contains(tokens[index + 1].text) || Self.remarkOnlyStarts.contains(tokens[index + 1].text)
                    || (index + 2 < tokens.count && Self.remarkPeople.contains(tokens[index + 1].text) && !tokens[index + 2].isSeparator)
                    || (index + 2 < tokens.count && ["the", "my", "our"].contains(tokens[index + 1].text) && Self.people.contains(tokens[index + 2].text))
            else { continue }
            let end = tokens[(index + 1)...].firstIndex(where: \.isSeparator) ?? tokens.count
            let part = Array(tokens[(index + 1)..<end])
            if !Self.remarkOnlyStarts.contains(part[0].text), let (rule, range) = Grammar.rules.firstMatch(part), rule.intent == .add, !range.isEmpty, isProduct(part[range].map(\.text)) {
                tokens.replaceSubrange((index + 1)..<end, with: part[range])
            } else {
                tokens.removeSubrange(index..<end)
            }
        }
    }
}
