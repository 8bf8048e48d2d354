/// A small, fast JSON text builder for the wire types: no reflection, no dictionaries,
/// keys in the order written. Doubles are written in their shortest exact form, and
/// whole numbers without ".0"; a non-finite number (never valid on the wire) becomes null.
struct JSONWriter {
    private(set) var text = ""
    private var needsComma = [false]

    init(capacity: Int = 256) {
        text.reserveCapacity(capacity)
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        text.append("{")
        needsComma.append(false)
        body(&self)
        needsComma.removeLast()
        text.append("}")
    }

    mutating func array<Element>(_ elements: [Element], _ body: (inout JSONWriter, Element) -> Void) {
        separate()
        text.append("[")
        needsComma.append(false)
        for element in elements { body(&self, element) }
        needsComma.removeLast()
        text.append("]")
    }

    /// Writes `"key":` inside an object; the next value follows it.
    mutating func key(_ key: String) {
        separate()
        Self.appendString(key, to: &text)
        text.append(":")
        needsComma[needsComma.count - 1] = false
    }

    mutating func string(_ value: String) {
        separate()
        Self.appendString(value, to: &text)
    }

    mutating func number(_ value: Double) {
        separate()
        if !value.isFinite {
            text.append("null")
        } else if value == value.rounded(), abs(value) < 1e15 {
            text.append(String(Int64(value)))
        } else {
            text.append(value.description)
        }
    }

    mutating func number(_ value: Int) {
        separate()
        text.append(String(value))
    }

    mutating func bool(_ value: Bool) {
        separate()
        text.append(value ? "true" : "false")
    }

    mutating func null() {
        separate()
        text.append("null")
    }

    /// Writes already-encoded JSON as a value.
    mutating func raw(_ json: String) {
        separate()
        text.append(json)
    }

    mutating func field(_ name: String, _ value: String) { key(name); string(value) }
    mutating func field(_ name: String, _ value: Double) { key(name); number(value) }
    mutating func field(_ name: String, _ value: Int) { key(name); number(value) }
    mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { text.append(",") }
        needsComma[needsComma.count - 1] = true
    }

    /// Quotes and escapes per RFC 8259: `"`, `\`, and control characters.
    static func appendString(_ value: String, to text: inout String) {
        text.append("\"")
        var clean = true
        for byte in value.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            clean = false
            break
        }
        if clean {
            text.append(value)
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text.append("\\\"")
                case "\\": text.append("\\\\")
                case "\n": text.append("\\n")
                case "\r": text.append("\\r")
                case "\t": text.append("\\t")
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text.append("\"")
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
        json.object { json in
            json.field("id", id)
            json.field("name", name)
            json.field("price", price)
            json.field("size", size)
            json.field("category", category)
        }
    }
}

extension CartSnapshot {
    /// Writes the snapshot's fields into the current object.
    func writeFields(to json: inout JSONWriter) {
        json.field("version", version)
        json.key("items")
        json.array(items) { json, line in
            json.object { json in
                json.field("productId", line.productId)
                json.field("name", line.name)
                json.field("quantity", line.quantity)
                json.field("unit", line.unit)
                json.field("unitPrice", line.unitPrice)
                json.field("lineTotal", line.lineTotal)
            }
        }
        json.field("total", total)
    }

    /// The snapshot as a JSON object.
    public func json() -> String {
        var json = JSONWriter()
        json.object { writeFields(to: &$0) }
        return json.text
    }
}
