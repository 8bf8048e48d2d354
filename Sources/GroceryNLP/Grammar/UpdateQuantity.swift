/// Reads the new total of an update: "milk to 3", "eggs to 2 dozen", "it 3", "3 apples".
enum UpdateQuantity {
    private static let markers = Pattern("(up|down|back)? (to|at|=|should_be|to_be|becomes|equal_to|now)")
    private static let pronouns: Set<String> = ["it", "that", "them", "those", "this", "these"]

    static func parse(_ segment: [Token]) -> SaidQuantity {
        let words = segment.map(\.text)[...]
        // The last marker followed by a quantity splits product words from the new total.
        for start in stride(from: segment.count - 1, through: 0, by: -1) {
            guard let length = markers.longestMatch(words, from: start), length > 0 else { continue }
            let after = Array(segment[(start + length)...])
            guard QuantityParser.startsWithQuantity(after[...]) else { continue }
            let total = QuantityParser.parse(after)
            var said = Array(segment[..<start]).filter { !pronouns.contains($0.text) }
            while let last = said.last?.text, ["up", "down", "back"].contains(last) { said.removeLast() }  // "the milk down to 1"
            let product = said + total.words
            return SaidQuantity(value: total.value, unit: total.unit, words: product)
        }
        // "make the chicken broth two": a number word closing it is the new total.
        if segment.count >= 2, let last = segment.last, !last.isNumber, !["a", "an"].contains(last.text),
            let value = Lexicon.numberWords[last.text], value >= 1, !segment[segment.count - 2].isNumber
        {
            let said = QuantityParser.parse(Array(segment.dropLast()).filter { !pronouns.contains($0.text) })
            if said.value == nil { return SaidQuantity(value: value, unit: said.unit, words: said.words) }
        }
        return QuantityParser.parse(segment.filter { !pronouns.contains($0.text) })
    }
}
