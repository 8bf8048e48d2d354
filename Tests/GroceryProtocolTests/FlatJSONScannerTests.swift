import Foundation
import GroceryClient  // SplitMix64
import Testing

@testable import GroceryProtocol

@Suite("Flat JSON fast path")
struct FlatJSONScannerTests {
    private static func members(_ text: String) -> [(key: String, value: FlatJSONScanner.Value)]? {
        Array(text.utf8).withUnsafeBytes { FlatJSONScanner.members(of: $0) }
    }

    @Test("the usual client messages take the fast path")
    func usualShapes() {
        let query = Self.members(#"{"type":"nlp.query","id":"q-1","text":"add 2 gallons of milk"}"#)
        #expect(query?.map(\.key) == ["type", "id", "text"])
        #expect(query?.last?.value == .string("add 2 gallons of milk"))
        #expect(Self.members(#" { "type" : "ping" , "ts" : -1.5e3 } "#)?.last?.value == .number(-1500))
        #expect(Self.members(#"{"a":true,"b":false,"c":null}"#)?.map(\.value) == [.bool(true), .bool(false), .null])
        #expect(Self.members("{}")?.isEmpty == true)
    }

    @Test("anything outside the flat subset is left to JSONDecoder", arguments: [
        #"{"type":"ping","x":{"y":1}}"#, #"{"type":"ping","x":[1]}"#, #"{"type":"p\"ing"}"#, #"{"type":"ping","type":"x"}"#,
        #"{"ts":01}"#, #"{"ts":1.}"#, #"{"ts":-}"#, #"{"ts":1e}"#, #"{"ts":.5}"#, #"{"ts":1e400}"#, #"{"ts":+1}"#,
        #"{"type":"ping"} x"#, #"{"type":"ping",}"#, #"{"type" "ping"}"#, "[1]", "", #"{"type":tru}"#, "{\"t\":\"a\u{01}\"}",
    ])
    func outsideTheSubset(text: String) {
        #expect(Self.members(text) == nil)
    }

    @Test("the fast path and JSONDecoder read every input alike (seeded random frames)")
    func agreesWithFoundation() {
        var random = SplitMix64(seed: 42)
        let keys = ["type", "id", "text", "sessionId", "userId", "productId", "quantity", "ts", "extra", "ty pe"]
        let types = ["hello", "nlp.query", "ping", "cart.add", "cart.update", "cart.clear", "checkout", "nope"]
        let values = [
            "\"x\"", "\"\"", "\"日本 crème\"", "\"a\\\"b\"", "\"\\u00e9\"", "0", "-0", "12", "2.5", "-1e2", "1E+2", "01", "1.", "1e400",
            "true", "false", "null", "{}", "[]", "{\"a\":1}", "\"\\n\"",
        ]
        for _ in 0..<3000 {
            var parts: [String] = []
            for _ in 0..<random.next(upTo: 5) {
                let key = keys[random.next(upTo: keys.count)]
                let value = key == "type" && random.next(upTo: 3) > 0
                    ? "\"\(types[random.next(upTo: types.count)])\"" : values[random.next(upTo: values.count)]
                parts.append("\"\(key)\"" + [":", " : ", ":\n"][random.next(upTo: 3)] + value)
            }
            let text = [" ", ""][random.next(upTo: 2)] + "{" + parts.joined(separator: [",", " , "][random.next(upTo: 2)]) + "}"
            let data = Data(text.utf8)
            let fast = Result { () throws(WireDecodingError) in try ClientMessage.decode(data, scanning: true) }
            let slow = Result { () throws(WireDecodingError) in try ClientMessage.decode(data, scanning: false) }
            #expect(fast == slow, "\(text)")
        }
    }
}

extension SplitMix64 {
    /// A whole number in `0..<bound`.
    fileprivate mutating func next(upTo bound: Int) -> Int { Int.random(in: 0..<bound, using: &self) }
}
