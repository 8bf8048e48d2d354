import GroceryProtocol
import NIOCore
import NIOWebSocket

/// One `grocery bench load` connection, all on its event loop: hello, then one
/// `nlp.query` at a time, each timed from its send to its `nlp.result`.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Why a connection stopped early.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let number: Int
    private let messages: Int
    private let queries: [String]
    private let done: EventLoopPromise<[Duration]>
    private var samples: [Duration] = []
    private var sent: ContinuousClock.Instant?
    private var expected = ""
    private var welcomed = false
    private var finished = false

    init(number: Int, messages: Int, queries: [String], done: EventLoopPromise<[Duration]>) {
        self.number = number
        self.messages = messages
        self.queries = queries
        self.done = done
        samples.reserveCapacity(messages)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.opcode == .text else { return }
        // Servers put "type" and "id" first (ours and the python peer do); reading only
        // the head of a frame keeps the load generator cheap.
        let data = frame.unmaskedData
        let text = String(decoding: data.readableBytesView.prefix(96), as: UTF8.self)
        if !welcomed {
            guard text.contains(#""welcome""#) else { return fail(context, "expected welcome, got \(text.prefix(200))") }
            welcomed = true
            return sendNext(context)
        }
        if text.contains(#""nlp.result""#), text.contains(expected), let sent {
            samples.append(ContinuousClock.now - sent)
            return sendNext(context)
        }
        if text.contains(#""error""#) { fail(context, "server refused a query: \(text.prefix(200))") }
    }

    private func sendNext(_ context: ChannelHandlerContext) {
        let index = samples.count
        guard index < messages else {
            finished = true
            done.succeed(samples)
            var reason = ByteBuffer()
            reason.write(webSocketErrorCode: .normalClosure)
            // The server answers with its close frame and hangs up.
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: reason)), promise: nil)
            return
        }
        let id = "\(number)-\(index)"
        expected = "\"\(id)\""
        sent = .now
        let query = ClientMessage.nlpQuery(id: id, text: queries[(number + index) % queries.count]).encoded()
        context.writeAndFlush(wrapOutboundOut(BenchSocket.text(query)), promise: nil)
    }

    private func fail(_ context: ChannelHandlerContext, _ reason: String) {
        guard !finished else { return }
        finished = true
        done.fail(Failure(description: reason))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context, "connection closed after \(samples.count) of \(messages) round trips")
    }
}
