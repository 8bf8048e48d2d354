import GroceryProtocol

/// Package sizes said as attributes: "a **2 liter** coke", "the **18 count** eggs", "a **5
/// lb** bag of potatoes", "**size 3** diapers", "whole milk, the **half gallon**". Their
/// words are marked ``Token/isSize``: they steer the catalog match (sizes are indexed) and
/// are never read as how many.
enum SizeWords {
    /// Measures a package is sized in, spelt as the catalog's sizes spell them.
    private static let measures: [QuantityUnit: String] = [
        .oz: "oz", .lb: "lb", .liter: "l", .ml: "ml", .gallon: "gal", .g: "g", .kg: "kg", .quart: "qt", .pint: "pt", .each: "ct",
        .pack: "pack",
    ]
    private static let articles: Set<String> = ["a", "an", "the", "that", "this"]
    /// Superlatives said right before a package size ("cheapest 12 pack of soda").
    private static let superlatives: Set<String> = ["cheapest", "cheepest", "cheapst", "priciest", "expensive", "lowest", "costliest", "cheaper"]

    static func mark(_ tokens: [Token]) -> [Token] {
        var tokens = tokens
        for index in tokens.indices {
            let next = index + 1
            guard next < tokens.count else { break }
            // "size 3 diapers"
            if tokens[index].text == "size", tokens[next].isNumber {
                tokens[next].isSize = true
                continue
            }
            // "two 16 oz steaks": a count, then the size of each; "2 lb bag of carrots": the
            // bag's size, one bag.
            if tokens[next].isNumber, tokens[index].isNumber || (Lexicon.numberWords[tokens[index].text] ?? 0) >= 1, !["a", "an"].contains(tokens[index].text),
                (tokens[next].number ?? 0) >= 1, !tokens[next].text.contains("/"),
                next + 1 < tokens.count, let unit = Lexicon.units[tokens[next + 1].text], let spelling = measures[unit], unit != .each
            {
                tokens[next].isSize = true
                tokens[next + 1] = Token(text: spelling)
                tokens[next + 1].isSize = true
                continue
            }
            if tokens[index].isNumber, !tokens[index].isSize, index == 0 || !(tokens[index - 1].isNumber || Lexicon.numberWords[tokens[index - 1].text] != nil),
                next + 1 < tokens.count, let unit = Lexicon.units[tokens[next].text],
                [.lb, .oz, .kg, .g].contains(unit), let spelling = measures[unit], let container = Lexicon.units[tokens[next + 1].text],
                [.bag, .box, .jar, .bottle, .can, .pack].contains(container)
            {
                tokens[index].isSize = true
                tokens[next] = Token(text: spelling)
                tokens[next].isSize = true
                continue
            }
            // "12-pack" (the tokenizer saw the hyphen): its unit is part of the size.
            if tokens[index].isSize, tokens[index].number != nil, let unit = Lexicon.units[tokens[next].text], let spelling = measures[unit] {
                tokens[next] = Token(text: spelling)
                tokens[next].isSize = true
                continue
            }
            // "a 2 liter …", "the 18 count", "the half gallon (of 2%)": not "the 2 lbs of
            // beef", not "a 12 pack of cola" (a pack of them).
            // "the 4 pack of red bull" (and "the cheapest 12 pack of soda") names the
            // package, as "a 12 pack of cola" does not.
            let definite = tokens[index].text == "the" || superlatives.contains(tokens[index].text)
            let halfGallonOf = definite && tokens[next].text == "half"
            guard articles.contains(tokens[index].text) || superlatives.contains(tokens[index].text), next + 1 < tokens.count,
                tokens[next].isNumber || tokens[next].text == "half" || (Lexicon.numberWords[tokens[next].text] ?? 0) >= 2,
                let unit = Lexicon.units[tokens[next + 1].text], let spelling = measures[unit]
            else {
                // "grab the diet coke 12 pack": a pack size closing the request, after its product.
                if index > 0, next + 1 == tokens.count, tokens[index].isNumber, !tokens[index - 1].isNumber, !tokens[index - 1].isSeparator,
                    !articles.contains(tokens[index - 1].text), ["pack", "pk"].contains(tokens[next].text),
                    !["to", "of", "by", "x", "it", "them", "make"].contains(tokens[index - 1].text),
                    Lexicon.units[tokens[index - 1].text] == nil, !Grammar.joiners.contains(tokens[index - 1].text)
                {
                    tokens[index].isSize = true
                    tokens[next] = Token(text: "pack")
                    tokens[next].isSize = true
                }
                continue
            }
            let packOf = unit == .pack && next + 2 < tokens.count && tokens[next + 2].text == "of"
            guard next + 2 == tokens.count || !["of", "x"].contains(tokens[next + 2].text) || halfGallonOf || (definite && packOf),
                !packOf || definite
            else { continue }
            // "the 18 count" closing a phrase, or a size followed by what it is.
            guard index > 0 || next + 2 < tokens.count else { continue }
            if tokens[next].number == nil, let value = Lexicon.numberWords[tokens[next].text], value >= 2 {
                tokens[next] = Token(text: String(Int(value)), number: value)  // "the eighteen count" is "18 ct"
            }
            tokens[next].isSize = true
            tokens[next + 1] = Token(text: spelling)
            tokens[next + 1].isSize = true
        }
        return tokens
    }

    /// Whether a segment is nothing but a size ("the half gallon", "the 5 lb bag"), which
    /// belongs to the item before it.
    static func isOnlySize(_ segment: [Token]) -> Bool {
        segment.contains(where: \.isSize) && segment.allSatisfy { $0.isSize || articles.contains($0.text) || Lexicon.units[$0.text] != nil }
    }
}
