import Foundation
import GroceryClient  // SplitMix64
import GroceryProtocol
import GroceryTestSupport
import Testing

/// 10,000 random and malformed frames (seeded): the server answers each with the right
/// error, reply or close code, and stays up for everyone.
@Suite("Malformed frames", .heavy)
struct MalformedFrameTests {
    /// What a frame should get back.
    enum Expect: Equatable {
        case error(ErrorCode)
        case pong
        case result
        case close(Int)
    }

    /// Builds one frame of a random kind.
    struct Generator {
        var random: SplitMix64

        mutating func next(_ bound: Int) -> Int { Int.random(in: 0..<bound, using: &random) }

        mutating func bytes(_ count: Int, ascii: Bool) -> [UInt8] {
            (0..<count).map { _ in ascii ? UInt8(0x20 + next(0x5F)) : UInt8(next(256)) }
        }

        /// (opcode, payload, expected answer) for a frame on a hello'd walmart connection.
        mutating func frame(index: Int) -> (UInt8, [UInt8], Expect) {
            let id = "f\(index)"
            switch next(12) {
            case 0:  // not JSON at all (printable noise that is not an object)
                return (0x1, Array("x".utf8) + bytes(next(200), ascii: true), .error(.badJSON))
            case 1:  // JSON, but not an object
                return (0x1, Array(["[1,2]", "\"hi\"", "42", "null", "true", "[]"][next(6)].utf8), .error(.badJSON))
            case 2:  // wrong field types
                let text = [#"{"type":42}"#, #"{"type":"nlp.query","id":"\#(id)","text":7}"#, #"{"type":"ping","ts":"soon"}"#, #"{"type":null}"#][next(4)]
                return (0x1, Array(text.utf8), .error(.invalidField))
            case 3:  // missing fields
                return (0x1, Array(#"{"type":"nlp.query","id":"\#(id)"}"#.utf8), .error(.invalidField))
            case 4:  // unknown types
                return (0x1, Array(#"{"type":"teleport\#(next(1000))","id":"\#(id)"}"#.utf8), .error(.unknownType))
            case 5:  // a type of the other channel
                return (0x1, Array(#"{"type":"cart.add","id":"\#(id)","productId":"lime"}"#.utf8), .error(.unknownType))
            case 6:  // huge numbers
                let number = ["1e999", "-1e999", "123456789012345678901234567890", "1.7976931348623157e308"][next(4)]
                return (0x1, Array(#"{"type":"ping","ts":\#(number)}"#.utf8), number.hasSuffix("e999") ? .error(.badJSON) : .pong)
            case 7:  // deep nesting
                let depth = [10, 600, 5000][next(3)]
                let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                return (0x1, Array(#"{"type":"ping","ts":1,"x":\#(nested)}"#.utf8), depth > 512 ? .error(.badJSON) : .pong)
            case 8:  // binary frames
                return (0x2, bytes(1 + next(300), ascii: false), .error(.badJSON))
            case 9:  // a long but legal query
                return (0x1, Array(#"{"type":"nlp.query","id":"\#(id)","text":"add \#(String(repeating: "milk ", count: next(2000)))"}"#.utf8), .result)
            case 10:  // control characters and odd Unicode inside a legal query
                return (0x1, Array(#"{"type":"nlp.query","id":"\#(id)","text":"2 \u0001eggs\t🥚 \u202e"}"#.utf8), .result)
            default:
                return (0x1, Array(#"{"type":"ping","ts":\#(index)}"#.utf8), .pong)
            }
        }
    }

    @Test("10,000 random and malformed frames: each gets the right answer, and the server stays up")
    func tenThousand() async throws {
        try await withServer({ $0.limits.messagesPerSecond = 0; $0.limits.upgradesPerSecond = 1000; $0.limits.upgradeBurst = 1000 }) { server in
            var generator = Generator(random: SplitMix64(seed: 7))
            let socket = try await RawFrames.connect(port: server.ports.walmart, path: "/ws/walmart")
            try await socket.send(text: ClientMessage.hello(.init(sessionId: nil, userId: "fuzz")).encoded())
            #expect(try await socket.next()?.text.contains("welcome") == true)
            var answered = 0
            let total = 9_880
            for batch in stride(from: 0, to: total, by: 40) {
                var expected: [Expect] = []
                for index in batch..<min(batch + 40, total) {
                    let (opcode, payload, expect) = generator.frame(index: index)
                    try await socket.send(opcode: opcode, payload)
                    expected.append(expect)
                }
                for expect in expected {
                    try await Self.check(socket, expect)
                    answered += 1
                }
            }
            #expect(answered == total)

            // 120 frames that end their connection, each on its own.
            for index in 0..<120 {
                let fresh = try await RawFrames.connect(port: server.ports.walmart, path: "/ws/walmart")
                switch index % 4 {
                case 0: try await fresh.send(opcode: 0x1, Array(#"{"type":"ping","x":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8))
                case 1: try await fresh.send(opcode: 0x1, generator.bytes(64 * 1024 + 1 + generator.next(1000), ascii: true))
                case 2: try await fresh.send(opcode: 0x1, Array(#"{"type":"ping","ts":1}"#.utf8), masked: false)
                default: try await fresh.send(opcode: 0x0, Array("stray continuation".utf8))
                }
                let expected = [1007, 1009, 1002, 1002][index % 4]
                try await Self.check(fresh, .close(expected))
                await fresh.close()
            }

            // The same server still serves a well-behaved client.
            let after = try await TestSocket.connect(server.walmartURL)
            after.send(.hello(.init(sessionId: nil, userId: "after")))
            guard case .welcome = try await after.nextMessage() else { throw TestFailure("expected welcome") }
            after.send(.nlpQuery(id: "ok", text: "add 2 gallons of milk"))
            #expect(try await after.nextMessage() == .ack(id: "ok"))
            guard case .nlpResult(let id, let result) = try await after.nextMessage() else { throw TestFailure("expected result") }
            #expect(id == "ok" && result.intent == .add)
            try await after.close()
            await socket.close()
        }
    }

    @Test(
        "RFC 6455: reserved bits, bad control frames and bad close payloads fail the connection; good closes are echoed",
        arguments: [
            (0x41, Array(#"{"type":"ping","ts":1}"#.utf8), true, 1002),  // RSV1 on a text frame
            (0x21, Array(#"{"type":"ping","ts":1}"#.utf8), true, 1002),  // RSV2
            (0x19, [], true, 1002),  // RSV3 on a ping
            (0x89, [UInt8](repeating: 1, count: 126), true, 1002),  // a ping over 125 bytes
            (0x88, [0x03], true, 1002),  // a close payload of one byte
            (0x88, [0x03, 0xE7], true, 1002),  // close code 999
            (0x88, [0x03, 0xED], true, 1002),  // 1005 may not be sent
            (0x88, [0x03, 0xEE], true, 1002),  // 1006 may not be sent
            (0x88, [0x03, 0xE8, 0xFF, 0xFE], true, 1007),  // a reason that is not UTF-8
            (0x88, [0x0B, 0xB8], true, 3000),  // 3000: valid, echoed
            (0x88, [0x03, 0xE8] + Array("bye".utf8), true, 1000),  // 1000 with a reason
            (0x88, [], true, 1000),  // no code: answered with 1000
        ] as [(UInt8, [UInt8], Bool, Int)])
    func protocolRules(opcode: UInt8, payload: [UInt8], fin: Bool, expected: Int) async throws {
        try await withServer { server in
            let socket = try await RawFrames.connect(port: server.ports.walmart, path: "/ws/walmart")
            try await socket.send(opcode: opcode, payload, fin: fin)
            try await Self.check(socket, .close(expected))
            await socket.close()
        }
    }

    private static func check(_ socket: RawFrames, _ expect: Expect) async throws {
        guard let frame = try await socket.next() else { throw TestFailure("connection ended; expected \(expect)") }
        switch expect {
        case .close(let code):
            #expect(frame.closeCode == code)
        case .pong:
            #expect(frame.text.contains(#""type":"pong""#), "\(frame.text.prefix(200))")
        case .result:
            #expect(frame.text.contains(#""type":"ack""#), "\(frame.text.prefix(200))")
            let result = try await socket.next()
            #expect(result?.text.contains(#""type":"nlp.result""#) == true)
        case .error(let code):
            let message = ServerMessage.decode(Data(frame.payload))
            guard case .error(_, let actual, _) = message else {
                Issue.record("expected error \(code), got \(frame.text.prefix(200))")
                return
            }
            #expect(actual == code)
        }
    }
}
