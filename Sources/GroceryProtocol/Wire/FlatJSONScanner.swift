/// Reads the common shape of a client message — one flat JSON object whose values are
/// plain strings, numbers, booleans or null — in one pass over the bytes, without
/// Foundation. Anything else (nesting, escapes, a duplicate key, a malformed number,
/// trailing bytes) returns nil, and the caller falls back to `JSONDecoder`, which also
/// words the error; so this only ever speeds up input JSONDecoder would read the same way.
struct FlatJSONScanner {
    /// A value of the flat subset.
    enum Value: Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The object's members in order, or nil when the text is outside the flat subset.
    static func members(of bytes: UnsafeRawBufferPointer) -> [(key: String, value: Value)]? {
        var scanner = FlatJSONScanner(bytes)
        return scanner.object()
    }

    private mutating func object() -> [(key: String, value: Value)]? {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var members: [(key: String, value: Value)] = []
        skipSpace()
        if !take(UInt8(ascii: "}")) {
            repeat {
                skipSpace()
                guard let key = string() else { return nil }
                guard !members.contains(where: { $0.key == key }) else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard let value = value() else { return nil }
                members.append((key, value))
                skipSpace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        skipSpace()
        return index == bytes.count ? members : nil
    }

    private mutating func value() -> Value? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""): return string().map(Value.string)
        case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return word("null") ? .null : nil
        default: return number().map(Value.number)
        }
    }

    /// A string without escapes or control characters (the text is already valid UTF-8).
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
            index += 1
        }
        return nil
    }

    /// A number as RFC 8259 §6 spells it: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func number() -> Double? {
        let start = index
        _ = take(UInt8(ascii: "-"))
        // A leading 0 stands alone ("01" then fails at the "1"); otherwise 1-9 and more digits.
        if !take(UInt8(ascii: "0")), digits() == 0 { return nil }
        if take(UInt8(ascii: ".")), digits() == 0 { return nil }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            if digits() == 0 { return nil }
        }
        // Out of Double's range JSONDecoder refuses the number; let it say so.
        return Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)).flatMap { $0.isFinite ? $0 : nil }
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    private mutating func word(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}
