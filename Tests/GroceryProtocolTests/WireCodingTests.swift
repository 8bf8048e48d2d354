import Foundation
import Testing

@testable import GroceryProtocol

@Suite("Wire messages")
struct WireCodingTests {
    static let result = NLPResult(
        text: "add \"2\" gallons\nof milk \u{1} 🥛", intent: .add, confidence: 0.94,
        items: [
            NLPItem(phrase: "milk", quantity: 2, unit: .gallon, product: NLPResultCodingTests.milk, alternatives: [NLPResultCodingTests.milk]),
            NLPItem(phrase: "flibbert", quantity: 0.5),
        ],
        filters: NLPFilters(maxPrice: 4.99),
        error: NLPProblem(code: .invalidQuantity, message: "a \\ b"))

    static let serverMessages: [ServerMessage] = [
        .welcome(sessionId: "s-1", resumed: true, heartbeatMs: 30_000),
        .welcome(sessionId: "s-2", resumed: false, heartbeatMs: 1000, messageRate: MessageRate(perSecond: 12.5, burst: 25)),
        .ack(id: "a"),
        .nlpResult(id: "q", result: result),
        .cart(CartSnapshot(version: 3, items: [.init(productId: "banana", name: "Bananas", quantity: 1.5, unit: .lb, unitPrice: 0.58, lineTotal: 0.87)], total: 0.87)),
        .cart(
            CartSnapshot(
                version: 4, items: [.init(productId: "apple-gala", name: "Gala Apples", quantity: 4, unit: .each, estimatedWeight: 1.5, unitPrice: 1.47, lineTotal: 2.21)],
                total: 2.21)),
        .order(
            id: "c",
            Receipt(
                orderId: 7, items: [.init(productId: "banana", name: "Bananas", quantity: 1.5, unit: .lb, unitPrice: 0.58, lineTotal: 0.87)], total: 0.87,
                placedAt: 1_764_700_000.5)),
        .orders(id: "o", [Receipt(orderId: 2, items: [], total: 12.5, placedAt: 0, itemCount: 3), Receipt(orderId: 1, items: [], total: 1, placedAt: 1)]),
        .pong(ts: 1_732_000_000_123),
        .error(id: nil, code: .badJSON, message: "bad"),
        .error(id: "x", code: .rateLimited, message: "slow down"),
        .reconnect(retryAfterMs: 2500),
    ]

    @Test("every server message survives encoding and decoding", arguments: serverMessages)
    func serverRoundTrip(_ message: ServerMessage) throws {
        let text = message.encoded()
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any], "\(text)")
        #expect(ServerMessage.decode(Data(text.utf8)) == message)
    }

    @Test(
        "every client message survives encoding and decoding",
        arguments: [
            ClientMessage.hello(.init(sessionId: "s", userId: "u")), .hello(.init(sessionId: nil, userId: "u")),
            .nlpQuery(id: "1", text: "add \"milk\"\t\\ please"), .ping(ts: 5),
            .cart(CartCommand(id: "c", action: .add, productId: "banana", quantity: 1.25)),
            .cart(CartCommand(id: "p", action: .update, productId: "apple-gala", quantity: 4, unit: .each)),
            .cart(CartCommand(id: "d", action: .checkout)),
        ])
    func clientRoundTrip(_ message: ClientMessage) throws {
        #expect(try ClientMessage.decode(Data(message.encoded().utf8)) == message)
    }

    @Test("the hand-written NLPResult JSON equals what Codable reads back")
    func nlpResultMatchesCodable() throws {
        var writer = JSONWriter()
        Self.result.write(to: &writer)
        let decoded = try JSONDecoder().decode(NLPResult.self, from: Data(writer.text.utf8))
        #expect(decoded == Self.result)
        #expect(writer.text.contains(#""product":null"#))
        #expect(writer.text.contains(#"\n"#) && writer.text.contains(#"\u0001"#))
    }

    @Test("numbers are written short and exact; non-finite ones become null")
    func numbers() {
        func written(_ value: Double) -> String {
            var json = JSONWriter()
            json.number(value)
            return json.text
        }
        #expect(written(2) == "2")
        #expect(written(3.48) == "3.48")
        #expect(written(-0.5) == "-0.5")
        #expect(written(1e-7) == "1e-07")
        #expect(written(1e20) == "1e+20")
        #expect(written(.infinity) == "null")
        #expect(written(.nan) == "null")
    }

    @Test("reading a client frame names what is wrong", arguments: [
        ("{", ErrorCode.badJSON), ("\"just a string\"", .badJSON), (#"{"id":"1"}"#, .invalidField),
        (#"{"type":"cart.add","id":"1","quantity":"two"}"#, .invalidField), (#"{"type":"zap","id":"z"}"#, .unknownType),
        (#"{"type":"cart.add","id":""}"#, .invalidField),
        (#"{"type":"cart.add","id":"1","productId":"banana","unit":"gallon"}"#, .invalidField),
        (#"{"type":"cart.add","id":"1","productId":"banana","unit":4}"#, .invalidField),
    ])
    func decodeErrors(_ text: String, _ code: ErrorCode) {
        #expect(throws: WireDecodingError.self) { try ClientMessage.decode(Data(text.utf8)) }
        do { _ = try ClientMessage.decode(Data(text.utf8)) } catch { #expect(error.code == code) }
    }
}
