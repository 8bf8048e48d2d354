import Foundation
import Testing

@testable import GroceryNLP

/// The other languages' word list (Resources/other-languages.json): it loads, says one
/// thing a word, and the classifier reads a line of another language in English.
@Suite("Understanding: words of other languages")
struct OtherLanguagesTests {
    @Test("the shipped list loads, every word folded and one word, every gloss English words")
    func shippedList() {
        let glosses = OtherLanguages.shared.glosses
        #expect(glosses.count > 1_500)
        for (word, gloss) in glosses {
            #expect(Tokenizer.tokenize(word).map(\.text) == [word], "\(word) is not one folded word")
            #expect(!gloss.isEmpty && gloss.split(separator: " ").count <= 3, "\(word): \(gloss)")
        }
    }

    @Test("a word two languages gloss differently is refused, with both glosses named")
    func conflictRefused() {
        let json = #"{"version": 1, "languages": {"es": {"pago": "payment"}, "it": {"pago": "pay"}}}"#
        #expect(throws: OtherLanguages.ReadError.self) { try OtherLanguages(json: Data(json.utf8)) }
        #expect(throws: OtherLanguages.ReadError.self) { try OtherLanguages(json: Data(#"{"version": 2, "languages": {}}"#.utf8)) }
        #expect(throws: DecodingError.self) { try OtherLanguages(json: Data("[]".utf8)) }
    }

    @Test("a line is read with its foreign words in English, punctuation kept; an English line is left alone")
    func translated() throws {
        let list = try OtherLanguages(json: Data(#"{"version": 1, "languages": {"es": {"quitame": "remove", "cuanto": "how much", "leche": "milk"}}}"#.utf8))
        func read(_ text: String) -> String? { list.translated(text, tokens: Tokenizer.tokenize(text)) }
        #expect(read("Quítame la leche, porfa") == "remove la milk, porfa")
        #expect(read("¿cuánto cuesta?") == "¿how much cuesta?")
        #expect(read("remove the milk") == nil)
    }
}
