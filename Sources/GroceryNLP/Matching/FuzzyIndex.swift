/// Finds vocabulary words within a small edit distance of a misspelling
/// ("strawbery" → "strawberry", "cucumbr" → "cucumber", "yoghurt" → "yogurt").
///
/// Symmetric-delete lookup: every word is stored under itself and each of its
/// one-letter deletions, so a query needs only its own deletions looked up, then a
/// check of the true distance.
struct FuzzyIndex: Sendable {
    /// Words shorter than this are never corrected: too many real words lie one edit apart.
    static let minimumLength = 5
    /// A correction may be one letter shorter than that ("chipps" → chip, "salza" → salsa).
    static let minimumCorrectionLength = 4

    private var byDeletion: [String: [String]] = [:]

    init<Words: Sequence<String>>(words: Words) {
        for word in words where word.utf8.count >= Self.minimumCorrectionLength && word.utf8.allSatisfy({ $0 < 0x80 }) {
            for key in Self.deletions(of: word) + [word] {
                byDeletion[key, default: []].append(word)
            }
        }
    }

    /// Vocabulary words one edit (two for long words) from `word`, nearest first.
    func corrections(of word: String) -> [(word: String, distance: Int)] {
        let length = word.utf8.count
        guard length >= Self.minimumLength, word.utf8.allSatisfy({ $0 < 0x80 }) else { return [] }
        let limit = length >= 8 ? 2 : 1
        var seen: Set<String> = []
        var found: [(word: String, distance: Int)] = []
        for key in Self.deletions(of: word) + [word] {
            for candidate in byDeletion[key] ?? [] where seen.insert(candidate).inserted {
                // Misspellings keep the first letter almost always; this also keeps "joke" from "coke".
                guard candidate.utf8.first == word.utf8.first else { continue }
                let distance = Self.distance(Array(word.utf8), Array(candidate.utf8))
                if distance <= limit { found.append((candidate, distance)) }
            }
        }
        return found.sorted { ($0.distance, $0.word) < ($1.distance, $1.word) }
    }

    private static func deletions(of word: String) -> [String] {
        let bytes = Array(word.utf8)
        return bytes.indices.map { skip in
            var copy = bytes
            copy.remove(at: skip)
            return String(decoding: copy, as: UTF8.self)
        }
    }

    /// Optimal string alignment distance (Levenshtein plus adjacent transposition).
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, previousPrevious[j - 2] + 1)
                }
                current[j] = best
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
