/// A small, fast JSON builder for the wire types: no reflection, no dictionaries, keys in
/// the order written, UTF-8 bytes appended to one array. Doubles are written in their
/// shortest exact form, and whole numbers without ".0"; a non-finite number (never
/// valid on the wire) becomes null.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Bit n: the container at depth n already holds a value, so the next needs a comma.
    private var commaBits: UInt64 = 0
    private var depth = 0

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The JSON text.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    mutating func array<Element>(_ elements: [Element], _ body: (inout JSONWriter, Element) -> Void) {
        open(UInt8(ascii: "["))
        for element in elements { body(&self, element) }
        close(UInt8(ascii: "]"))
    }

    /// Writes `"key":` inside an object; the next value follows it.
    mutating func key(_ key: String) {
        separate()
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
        commaBits &= ~(1 << depth)
    }

    mutating func string(_ value: String) {
        separate()
        appendString(value)
    }

    mutating func number(_ value: Double) {
        separate()
        if !value.isFinite {
            bytes.append(contentsOf: "null".utf8)
        } else if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func number(_ value: Int) {
        separate()
        appendInteger(Int64(value))
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes already-encoded JSON as a value.
    mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    mutating func field(_ name: String, _ value: Double) { key(name); number(value) }
    mutating func field(_ name: String, _ value: Int) { key(name); number(value) }
    mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        depth += 1
        precondition(depth < 64, "JSON nested too deeply for JSONWriter")
        commaBits &= ~(1 << depth)
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        bytes.append(bracket)
    }

    private mutating func separate() {
        if commaBits & (1 << depth) != 0 { bytes.append(UInt8(ascii: ",")) }
        commaBits |= 1 << depth
    }

    private mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Quotes and escapes per RFC 8259: `"`, `\\`, and control characters. Most strings
    /// need no escape and are copied in one go.
    private mutating func appendString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let copied = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard !utf8.contains(where: Self.needsEscape) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied != true {
            for byte in value.utf8 { appendEscaped(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        default: bytes.append(byte)
        }
    }
}

extension NLPResult {
    /// Writes this result as a JSON object (the same fields its Codable form has).
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("text", text)
            json.field("intent", intent.rawValue)
            json.field("confidence", confidence)
            json.key("items")
            json.array(items) { json, item in item.write(to: &json) }
            json.key("filters")
            json.object { json in
                if let maxPrice = filters.maxPrice { json.field("maxPrice", maxPrice) }
            }
            if let error {
                json.key("error")
                json.object { json in
                    json.field("code", error.code.rawValue)
                    json.field("message", error.message)
                }
            }
        }
    }
}

extension NLPItem {
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("phrase", phrase)
            json.field("quantity", quantity)
            if quantitySaid { json.field("quantitySaid", true) }
            json.field("unit", unit.rawValue)
            json.key("product")
            if let product { product.write(to: &json) } else { json.null() }
            json.key("alternatives")
            json.array(alternatives) { json, product in product.write(to: &json) }
        }
    }
}

extension ProductSummary {
    func write(to json: inout JSONWriter) {
        if let encodedJSON { return json.raw(encodedJSON) }
        json.object { json in
            json.field("id", id)
            json.field("name", name)
            json.field("price", price)
            json.field("size", size)
            json.field("category", category)
            json.field("unit", unit.rawValue)
            if let pieceWeight { json.field("pieceWeight", pieceWeight) }
            if let piece { json.field("piece", piece.rawValue) }
        }
    }
}

extension CartSnapshot {
    /// Writes the snapshot's fields into the current object.
    func writeFields(to json: inout JSONWriter) {
        json.field("epoch", epoch)
        json.field("version", version)
        json.key("items")
        Self.write(items, to: &json)
        json.field("total", total)
    }

    /// Writes cart lines as a JSON array.
    static func write(_ lines: [Line], to json: inout JSONWriter) {
        json.array(lines) { json, line in
            json.object { json in
                json.field("productId", line.productId)
                json.field("name", line.name)
                json.field("quantity", line.quantity)
                json.field("unit", line.unit.rawValue)
                if let estimatedWeight = line.estimatedWeight { json.field("estimatedWeight", estimatedWeight) }
                json.field("unitPrice", line.unitPrice)
                json.field("lineTotal", line.lineTotal)
            }
        }
    }

    /// The snapshot as a JSON object.
    public func json() -> String {
        var json = JSONWriter()
        json.object { writeFields(to: &$0) }
        return json.text
    }
}

extension Receipt {
    /// Writes the receipt's fields into the current object.
    func writeFields(to json: inout JSONWriter) {
        json.field("orderId", orderId)
        json.field("total", total)
        json.field("itemCount", itemCount)
        json.field("placedAt", placedAt)
        json.key("items")
        CartSnapshot.write(items, to: &json)
    }
}
