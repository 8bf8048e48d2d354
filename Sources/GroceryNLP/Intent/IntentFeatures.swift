/// A line as the intent classifier sees it: hashed feature slots, a slot once for every
/// time its feature occurs. The first `wordCount` slots are word features, each worth
/// `wordValue`; the rest are character features, each worth `characterValue`. Repeats
/// are not merged: the model is linear, so a slot twice counts as its value twice.
struct FeatureVector: Sendable, Equatable {
    var slots: [Int32]
    var wordCount: Int
    var wordValue: Float
    var characterValue: Float

    /// Each slot with its value, in order.
    func forEach(_ body: (Int, Float) -> Void) {
        for (index, slot) in slots.enumerated() { body(Int(slot), index < wordCount ? wordValue : characterValue) }
    }
}

/// Turns a line into the classifier's features: word unigrams and bigrams (the parser's
/// own tokens, every number as "#", the line's start and end as words), and character
/// 3–5-grams of the folded text's UTF-8 bytes with its punctuation ("?", "<", ";" say
/// much about a line) and every digit as "0". Character grams let a typo ("remvoe")
/// share most of its features with the word. Features are hashed into `dimension` slots
/// (FNV-1a, the same on every machine); words and characters each weigh 1 in all
/// (each occurrence 1/√n of its kind), so a long line's characters do not drown its words.
struct IntentFeatures: Sendable {
    /// How many slots features are hashed into.
    let dimension: Int

    func vector(_ text: String) -> FeatureVector {
        var slots: [Int32] = []
        var values: (word: Float, character: Float) = (0, 0)
        var wordCount = 0
        forEachFeature(text, tokens: Tokenizer.tokenize(text)) { slot, value, isWord in
            slots.append(Int32(slot))
            if isWord {
                wordCount += 1
                values.word = value
            } else {
                values.character = value
            }
        }
        return FeatureVector(slots: slots, wordCount: wordCount, wordValue: values.word, characterValue: values.character)
    }

    /// Calls `body` with each feature's slot, its value and whether it is a word feature,
    /// words first, in the order of the line. Nothing is stored: the model adds up as it goes.
    /// A line with words of another language (``OtherLanguages``) is read in English.
    @inline(__always)
    func forEachFeature(_ text: String, tokens: [Token], _ body: (Int, Float, Bool) -> Void) {
        if let english = OtherLanguages.shared.translated(text, tokens: tokens) {
            forEachFeature(read: english, tokens: Tokenizer.tokenize(english), body)
        } else {
            forEachFeature(read: text, tokens: tokens, body)
        }
    }

    @inline(__always)
    private func forEachFeature(read text: String, tokens: [Token], _ body: (Int, Float, Bool) -> Void) {
        let bytes = Self.characterBytes(text)
        let words = 2 * tokens.count + 1
        let characters = max(0, bytes.count - 2) + max(0, bytes.count - 3) + max(0, bytes.count - 4)
        let half = Float(2).squareRoot()
        let wordValue = 1 / (Float(words).squareRoot() * half)
        let characterValue = characters > 0 ? 1 / (Float(characters).squareRoot() * half) : 0

        var previous = Self.start
        for token in tokens {
            let word = token.number != nil ? Self.number : Self.word(token.text)
            body(slot(word), wordValue, true)
            body(slot(Self.pair(previous, word)), wordValue, true)
            previous = word
        }
        body(slot(Self.pair(previous, Self.end)), wordValue, true)

        bytes.withUnsafeBufferPointer { bytes in
            guard bytes.count >= 3 else { return }
            for start in 0...(bytes.count - 3) {
                var hash = Self.fnv(0x811C_9DC5, 3)
                for offset in 0..<min(5, bytes.count - start) {
                    hash = Self.fnv(hash, bytes[start + offset])
                    if offset >= 2 { body(slot(hash), characterValue, false) }
                }
            }
        }
    }

    /// `dimension` is a power of two (``IntentModelFile`` refuses others), so a mask is the modulo.
    private func slot(_ hash: UInt32) -> Int {
        Int(hash) & (dimension - 1)
    }

    private static let number = word("#")
    private static let start = word("<s>")
    private static let end = word("</s>")

    private static func word(_ text: String) -> UInt32 {
        var hash = fnv(0x811C_9DC5, 1)
        for byte in text.utf8 { hash = fnv(hash, byte) }
        return hash
    }

    /// A bigram's hash from its words' hashes, without building its text.
    private static func pair(_ first: UInt32, _ second: UInt32) -> UInt32 {
        var hash = fnv(0x811C_9DC5, 2)
        for shift in stride(from: 0, to: 32, by: 8) { hash = fnv(hash, UInt8(truncatingIfNeeded: first >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { hash = fnv(hash, UInt8(truncatingIfNeeded: second >> UInt32(shift))) }
        return hash
    }

    /// The folded text's UTF-8: white space runs as one space, digits as "0", a space at
    /// each end.
    private static func characterBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = [0x20]
        bytes.reserveCapacity(text.utf8.count + 2)
        // ASCII is lowercased here, byte by byte; anything else is folded as the tokenizer does.
        for byte in text.utf8 {
            guard byte < 0x80 else { return characterBytes(folded: Tokenizer.fold(text)) }
            append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte, to: &bytes)
        }
        if bytes.last != 0x20 { bytes.append(0x20) }
        return bytes
    }

    private static func characterBytes(folded: String) -> [UInt8] {
        var bytes: [UInt8] = [0x20]
        for byte in folded.utf8 { append(byte, to: &bytes) }
        if bytes.last != 0x20 { bytes.append(0x20) }
        return bytes
    }

    @inline(__always)
    private static func append(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20:
            if bytes.last != 0x20 { bytes.append(0x20) }
        case 0x30...0x39:
            bytes.append(0x30)
        default:
            bytes.append(byte)
        }
    }

    private static func fnv(_ hash: UInt32, _ byte: UInt8) -> UInt32 {
        (hash ^ UInt32(byte)) &* 0x0100_0193
    }
}
