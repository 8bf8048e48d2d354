/// A line as the intent classifier sees it: a sparse vector of hashed features.
struct FeatureVector: Sendable, Equatable {
    /// Feature slots, ascending, each once.
    var indices: [Int32]
    /// The value of each slot, the vector's length 1.
    var values: [Float]
}

/// Turns a line into the classifier's features: word unigrams and bigrams (the parser's
/// own tokens, every number as "#", the line's start and end as words), and character
/// 3–5-grams of the folded text with its punctuation ("?", "<", ";" say much about a line)
/// and every digit as "0". Character grams let a typo ("remvoe") share most of its
/// features with the word. Features are hashed into `dimension` slots (FNV-1a, the same
/// on every machine); words and characters are each scaled to length 1 so that a long
/// line's characters do not drown its words.
struct IntentFeatures: Sendable {
    /// How many slots features are hashed into.
    let dimension: Int

    func vector(_ text: String) -> FeatureVector {
        var words: [UInt32] = []
        let tokens = ["<s>"] + Tokenizer.tokenize(text).map { $0.number != nil ? "#" : $0.text } + ["</s>"]
        for (index, token) in tokens.enumerated() {
            if index > 0, index < tokens.count - 1 { words.append(Self.hash(1, token)) }
            if index > 0 { words.append(Self.hash(2, tokens[index - 1] + " " + token)) }
        }
        var characters: [UInt32] = []
        let folded = Self.characterText(text)
        for n in 3...5 where folded.count >= n {
            for start in 0...(folded.count - n) { characters.append(Self.hash(3, folded[start..<start + n])) }
        }
        // Sorted slots and sums in one order, so a vector is the same bit for bit on every run.
        var slots: [(Int32, Float)] = []
        for block in [words, characters] {
            let counts = Self.counts(block.map { Int32(Int($0) % dimension) })
            let norm = counts.reduce(Float(0)) { $0 + $1.1 * $1.1 }.squareRoot()
            guard norm > 0 else { continue }
            slots += counts.map { ($0.0, $0.1 / norm / Float(2).squareRoot()) }
        }
        slots.sort { $0.0 < $1.0 }
        var vector = FeatureVector(indices: [], values: [])
        for (slot, value) in slots {
            if vector.indices.last == slot {
                vector.values[vector.values.count - 1] += value
            } else {
                vector.indices.append(slot)
                vector.values.append(value)
            }
        }
        return vector
    }

    /// Each slot once with how often it occurs, ascending.
    private static func counts(_ slots: [Int32]) -> [(Int32, Float)] {
        var counts: [(Int32, Float)] = []
        for slot in slots.sorted() {
            if counts.last?.0 == slot { counts[counts.count - 1].1 += 1 } else { counts.append((slot, 1)) }
        }
        return counts
    }

    /// Lowercase, folded, white space runs as one space, digits as "0", a space at each end.
    private static func characterText(_ text: String) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = [" "]
        for scalar in Tokenizer.fold(text).unicodeScalars {
            if scalar.properties.isWhitespace {
                if scalars.last != " " { scalars.append(" ") }
            } else if scalar >= "0" && scalar <= "9" {
                scalars.append("0")
            } else {
                scalars.append(scalar)
            }
        }
        if scalars.last != " " { scalars.append(" ") }
        return scalars
    }

    /// FNV-1a over a namespace byte and the UTF-8 of `text`.
    private static func hash(_ namespace: UInt8, _ text: String) -> UInt32 {
        var hash = fnv(0x811C_9DC5, namespace)
        for byte in text.utf8 { hash = fnv(hash, byte) }
        return hash
    }

    private static func hash(_ namespace: UInt8, _ scalars: ArraySlice<Unicode.Scalar>) -> UInt32 {
        var hash = fnv(0x811C_9DC5, namespace)
        for scalar in scalars { UTF8.encode(scalar) { hash = fnv(hash, $0) } }
        return hash
    }

    private static func fnv(_ hash: UInt32, _ byte: UInt8) -> UInt32 {
        (hash ^ UInt32(byte)) &* 0x0100_0193
    }
}
