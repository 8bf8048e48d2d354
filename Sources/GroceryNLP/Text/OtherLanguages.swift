import Foundation

/// Words of the other languages shoppers mix in (Spanish, Portuguese, French, German,
/// Italian, Tagalog, Vietnamese), each with its English gloss: `Resources/other-languages.json`,
/// written from a speaker's knowledge of the languages, never from the labelled lines.
/// Keys are folded (no accents, no apostrophes); a word that is also a common English word
/// ("pan", "will") is left out. The intent classifier reads a line with these words in
/// English, so "quítame el pan" shares its features with "remove".
struct OtherLanguages: Sendable {
    /// The list compiled into the binary.
    static let shared: OtherLanguages = {
        do {
            return try OtherLanguages(json: Data(PackageResources.other_languages_json))
        } catch {
            preconditionFailure("Resources/other-languages.json is not a word list: \(error)")
        }
    }()

    /// A folded word to its English gloss, every language together.
    let glosses: [String: String]

    /// Reads `{"version": 1, "languages": {"es": {"quitar": "remove", …}, …}}`. A word two
    /// languages gloss differently is refused: the list must say one thing.
    init(json: Data) throws {
        struct File: Decodable {
            var version: Int
            var languages: [String: [String: String]]
        }
        let file = try JSONDecoder().decode(File.self, from: json)
        guard file.version == 1 else { throw ReadError(description: "version \(file.version), expected 1") }
        var glosses: [String: String] = [:]
        for (language, words) in file.languages.sorted(by: { $0.key < $1.key }) {
            for (word, gloss) in words {
                if let other = glosses[word], other != gloss {
                    throw ReadError(description: "\(language) glosses \"\(word)\" as \"\(gloss)\", another language as \"\(other)\"")
                }
                glosses[word] = gloss
            }
        }
        self.glosses = glosses
    }

    /// Why a word list was refused.
    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    /// `text` with every word of the list replaced by its gloss (punctuation and the rest
    /// kept), or nil when none of its `tokens` is in the list, which is most lines.
    func translated(_ text: String, tokens: [Token]) -> String? {
        guard tokens.contains(where: { glosses[$0.text] != nil }) else { return nil }
        var result = ""
        var word = ""
        func flush() {
            result += glosses[word] ?? word
            word = ""
        }
        for character in Tokenizer.fold(text) {
            switch character {
            case "'", "\u{2019}", "\u{2018}", "`" where !word.isEmpty:
                continue  // as the tokenizer reads it: "qu'est" → "quest"
            case _ where character.isLetter:
                word.append(character)
            default:
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
