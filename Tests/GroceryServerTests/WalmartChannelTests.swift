import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

@Suite("Walmart channel", .timed)
struct WalmartChannelTests {
    @Test("hello → welcome; nlp.query → ack and nlp.result; ping → pong")
    func conversation() async throws {
        try await withServer { server in
            let socket = try await TestSocket.connect(server.walmartURL)
            socket.send(.hello(.init(sessionId: "session-1", userId: "alice")))
            #expect(try await socket.nextMessage() == .welcome(sessionId: "session-1", resumed: false, heartbeatMs: 30_000, messageRate: MessageRate(perSecond: 100, burst: 200)))
            socket.send(.nlpQuery(id: "q1", text: "add 2 gallons of milk"))
            #expect(try await socket.nextMessage() == .ack(id: "q1"))
            guard case .nlpResult(let id, let result) = try await socket.nextMessage() else { throw TestFailure("expected nlp.result") }
            #expect(id == "q1")
            #expect(result.intent == .add)
            #expect(result.items.first?.quantity == 2)
            #expect(result.items.first?.unit == .gallon)
            #expect(result.items.first?.product?.id == "milk-whole-gallon")
            socket.send(.ping(ts: 1234))
            #expect(try await socket.nextMessage() == .pong(ts: 1234))
            try await socket.close()
        }
    }

    @Test("the same session id again is a resumed session")
    func resumed() async throws {
        try await withServer { server in
            for expected in [false, true] {
                let socket = try await TestSocket.connect(server.walmartURL)
                socket.send(.hello(.init(sessionId: "again", userId: "alice")))
                #expect(try await socket.nextMessage() == .welcome(sessionId: "again", resumed: expected, heartbeatMs: 30_000, messageRate: MessageRate(perSecond: 100, burst: 200)))
                try await socket.close()
            }
            let fresh = try await TestSocket.connect(server.walmartURL)
            fresh.send(.hello(.init(sessionId: nil, userId: "alice")))
            guard case .welcome(let made, false, _, _) = try await fresh.nextMessage() else { throw TestFailure("expected welcome") }
            #expect(UUID(uuidString: made) != nil)
            try await fresh.close()
        }
    }

    @Test(
        "bad messages get an error with the right code and the connection stays open",
        arguments: [
            (#"not json"#, ErrorCode.badJSON, nil as String?),
            (#"[1,2,3]"#, .badJSON, nil),
            (#"{"type":"fly","id":"f1"}"#, .unknownType, "f1"),
            (#"{"type":"nlp.query","id":"q9"}"#, .invalidField, "q9"),
            (#"{"type":"nlp.query","text":"milk"}"#, .invalidField, nil),
            (#"{"type":42}"#, .invalidField, nil),
            (#"{"type":"cart.add","id":"c1","productId":"x"}"#, .unknownType, "c1"),
            (#"{"type":"hello"}"#, .invalidField, nil),
            (#"{"type":"hello","userId":"no spaces allowed"}"#, .invalidField, nil),
        ])
    func badInput(_ frame: String, _ code: ErrorCode, _ id: String?) async throws {
        try await withServer { server in
            let socket = try await TestSocket.connect(server.walmartURL)
            socket.send(.hello(.init(sessionId: nil, userId: "alice")))
            _ = try await socket.nextMessage()
            socket.send(frame)
            guard case .error(let gotID, let gotCode, let message) = try await socket.nextMessage() else { throw TestFailure("expected error") }
            #expect(gotCode == code)
            #expect(gotID == id)
            #expect(!message.isEmpty)
            socket.send(.ping(ts: 7))
            #expect(try await socket.nextMessage() == .pong(ts: 7))
            try await socket.close()
        }
    }

    @Test("a query before hello is refused with hello_required")
    func helloFirst() async throws {
        try await withServer { server in
            let socket = try await TestSocket.connect(server.walmartURL)
            socket.send(.nlpQuery(id: "early", text: "milk"))
            #expect(try await socket.nextMessage() == .error(id: "early", code: .helloRequired, message: "send hello first"))
            try await socket.close()
        }
    }
}
