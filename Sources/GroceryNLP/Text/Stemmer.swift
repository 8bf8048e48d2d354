/// Maps singular and plural forms of a word to one key ("berries", "berry" → "berry";
/// "potatoes", "potatos" → "potato"; "cookie", "cookies" → "cooky").
///
/// The key need not be a real word: the same function runs over catalog words and
/// query words, so only agreement matters.
enum Stemmer {
    static func stem(_ word: String) -> String {
        let utf8 = word.utf8
        guard utf8.count > 3, utf8.allSatisfy({ $0 < 0x80 }) else { return word }
        if word.hasSuffix("ies") && utf8.count > 4 { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("ie") { return String(word.dropLast(2)) + "y" }
        if word.hasSuffix("oes") { return String(word.dropLast(2)) }
        if word.hasSuffix("sses") { return String(word.dropLast(2)) }
        for suffix in ["ches", "shes", "xes", "zes"] where word.hasSuffix(suffix) {
            return String(word.dropLast(2))
        }
        if word.hasSuffix("ss") || word.hasSuffix("us") || word.hasSuffix("is") { return word }
        if word.hasSuffix("s") { return String(word.dropLast()) }
        return word
    }
}
