import GroceryProtocol
import NIOCore
import NIOWebSocket

/// The server end of one WebSocket connection, on its event loop: joins fragments into
/// messages, answers pings, completes the close handshake, and enforces what RFC 6455
/// and our limits ask — masked client frames, no reserved bits, whole control frames of
/// at most 125 bytes, close payloads of 0 or 2+ bytes with a sendable code (else 1002),
/// messages up to the size limit (else 1009), valid UTF-8 in text and close reasons
/// (else 1007). Complete messages go to the channel's ``Conversation``.
///
/// It is also the connection's back-pressure: it asks for no more bytes while our output
/// waits unread (past NIO's high-water mark) or messages already read are still held,
/// and hands held messages over at most ``messagesPerTurn`` at a time, so one busy
/// connection cannot keep its event loop (and every timer on it) from running.
final class WebSocketConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Messages handed to the conversation before the loop gets to do something else.
    static let messagesPerTurn = 32

    private let connection: LiveConnection
    private let conversation: any Conversation
    private let maxMessageBytes: Int
    private let onClose: (_ peerCloseCode: UInt16?) -> Void
    /// The fragments of a message still being received.
    private var partial: ByteBuffer?
    private var partialIsText = false
    private var peerCloseCode: UInt16?
    private var failed = false
    private let deadlines: ServerConfiguration.Deadlines
    private var lastInbound = NIODeadline.now()
    private var helloTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var stallTimer: Scheduled<Void>?
    /// Complete messages read and not yet handed over (output waiting unread, or over
    /// this turn's share). At most one read's worth: nothing more is read meanwhile, so
    /// what queries ask us to write (a reply can be 50 times its query) cannot pile up.
    private var held = CircularBuffer<InboundMessage>()
    private var readPending = false
    private var turnScheduled = false
    private var context: ChannelHandlerContext?

    init(
        connection: LiveConnection, conversation: any Conversation, maxMessageBytes: Int, deadlines: ServerConfiguration.Deadlines,
        onClose: @escaping (_ peerCloseCode: UInt16?) -> Void
    ) {
        self.connection = connection
        self.conversation = conversation
        self.maxMessageBytes = maxMessageBytes
        self.deadlines = deadlines
        self.onClose = onClose
    }

    /// Arms the hello and idle deadlines: a socket that never says hello, or goes quiet,
    /// cannot hold a connection slot (and the per-address cap) forever.
    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loop = context.eventLoop
        let this = NIOLoopBound(self, eventLoop: loop)
        helloTimer = loop.scheduleTask(in: TimeAmount(deadlines.hello)) {
            if !this.value.conversation.isIdentified {
                this.value.fail(.policyViolation, "no hello within \(this.value.deadlines.hello.wholeMilliseconds) ms")
            }
        }
        scheduleIdleCheck(at: lastInbound + TimeAmount(deadlines.idle / 2), on: loop)
    }

    private func scheduleIdleCheck(at deadline: NIODeadline, on loop: any EventLoop) {
        let this = NIOLoopBound(self, eventLoop: loop)
        // One timer, moved on when it finds traffic since it was set (cheaper than one per
        // frame). Halfway through a silence the server pings, so any RFC 6455 client (a
        // browser's tRPC link too) proves it is alive with its pong; a dead one is closed.
        idleTimer = loop.scheduleTask(deadline: deadline) {
            let handler = this.value
            guard !handler.failed else { return }
            let idle = TimeAmount(handler.deadlines.idle)
            let half = TimeAmount(handler.deadlines.idle / 2)
            let now = NIODeadline.now()
            if handler.lastInbound + idle <= now {
                handler.fail(.goingAway, "idle for \(handler.deadlines.idle.wholeMilliseconds) ms")
            } else if handler.lastInbound + half <= now {
                handler.connection.ping()
                handler.scheduleIdleCheck(at: handler.lastInbound + idle, on: loop)
            } else {
                handler.scheduleIdleCheck(at: handler.lastInbound + half, on: loop)
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        helloTimer?.cancel()
        idleTimer?.cancel()
        stallTimer?.cancel()
        self.context = nil
    }

    /// No bytes are asked for while messages are held or our output waits unread.
    func read(context: ChannelHandlerContext) {
        if held.isEmpty, context.channel.isWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    /// While what we send piles up unread, nothing more is read (``read(context:)``), so
    /// the client cannot make us queue more; one that stays like that past the stall
    /// deadline is closed.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stallTimer?.cancel()
            stallTimer = nil
            connection.outputDrained()
            handOver()
        } else if stallTimer == nil {
            let this = NIOLoopBound(self, eventLoop: context.eventLoop)
            let stall = deadlines.writeStall
            stallTimer = context.eventLoop.scheduleTask(in: TimeAmount(stall)) {
                this.value.fail(.policyViolation, "not reading for \(stall.wholeMilliseconds) ms")
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        lastInbound = .now()
        let frame = unwrapInboundIn(data)
        // After our close only the client's close matters: what else it sends is not
        // answered (a shutdown must not wait behind a backlog of queries).
        if connection.sentClose != nil, frame.opcode != .connectionClose {
            held.removeAll()
            return
        }
        guard frame.maskKey != nil else { return fail(.protocolError, "client frames must be masked") }
        // No extension is negotiated, so no reserved bit may be set (RFC 6455 §5.2).
        guard !frame.rsv1, !frame.rsv2, !frame.rsv3 else { return fail(.protocolError, "reserved bits set") }
        if frame.opcode == .ping || frame.opcode == .pong || frame.opcode == .connectionClose {
            guard frame.fin, frame.length <= 125 else { return fail(.protocolError, "control frames are whole and at most 125 bytes") }
        }
        switch frame.opcode {
        case .text, .binary:
            guard partial == nil else { return fail(.protocolError, "a message began inside another") }
            partialIsText = frame.opcode == .text
            append(frame, to: frame.unmaskedData)
        case .continuation:
            guard let buffer = partial else { return fail(.protocolError, "continuation without a message") }
            partial = nil
            append(frame, to: buffer)
        case .ping:
            guard frame.fin else { return fail(.protocolError, "fragmented ping") }
            connection.pong(frame.unmaskedData)
        case .pong:
            break
        case .connectionClose:
            var data = frame.unmaskedData
            guard data.readableBytes != 1 else { return fail(.protocolError, "a close payload of one byte") }
            peerCloseCode = data.readInteger(as: UInt16.self)
            if let code = peerCloseCode, !Self.isValidCloseCode(code) { return fail(.protocolError, "close code \(code) may not be sent") }
            guard String(validating: data.readableBytesView, as: UTF8.self) != nil else { return fail(.invalidPayload, "close reason is not valid UTF-8") }
            if connection.sentClose == nil {
                // Echo the client's code, as RFC 6455 §5.5.1 asks, then hang up.
                connection.close(code: peerCloseCode ?? CloseCode.normal.rawValue, reason: "")
            }
            context.close(promise: nil)
        default:
            fail(.protocolError, "unknown opcode")
        }
    }

    private func append(_ frame: WebSocketFrame, to buffer: ByteBuffer) {
        var message = buffer
        if frame.opcode == .continuation {
            var more = frame.unmaskedData
            message.writeBuffer(&more)
        }
        guard message.readableBytes <= maxMessageBytes else { return fail(.messageTooBig, "message over \(maxMessageBytes) bytes") }
        guard frame.fin else {
            partial = message
            return
        }
        if partialIsText {
            guard let text = String(validating: message.readableBytesView, as: UTF8.self) else {
                return fail(.invalidPayload, "text is not valid UTF-8")
            }
            deliver(.text(text))
        } else {
            deliver(.binary(message))
        }
    }

    private func deliver(_ message: InboundMessage) {
        held.append(message)
        handOver()
    }

    /// Gives the conversation what is held, while the output has room, a turn's share at
    /// a time; the rest waits for the loop's next turn. Reading resumes once all is handed over.
    private func handOver() {
        guard let context else { return }
        var handed = 0
        while !failed, connection.sentClose == nil, !held.isEmpty, context.channel.isWritable {
            guard handed < Self.messagesPerTurn else {
                scheduleTurn(context)
                return
            }
            conversation.receive(held.removeFirst())
            handed += 1
        }
        if connection.sentClose != nil { held.removeAll() }
        if held.isEmpty, readPending, context.channel.isWritable {
            readPending = false
            context.read()
        }
    }

    private func scheduleTurn(_ context: ChannelHandlerContext) {
        guard !turnScheduled else { return }
        turnScheduled = true
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            this.value.turnScheduled = false
            this.value.handOver()
        }
    }

    /// Codes a peer may send in a close frame (RFC 6455 §7.4, IANA's registry): not
    /// 1004–1006 or 1015, which are reserved or only reported, nor unassigned ones below 3000.
    static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }

    /// Closes with `code`; the connection takes nothing more.
    private func fail(_ code: CloseCode, _ reason: String) {
        failed = true
        partial = nil
        held.removeAll()
        readPending = false
        connection.close(code, reason: reason)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !failed else { return }  // the decoder repeats itself for every later read
        switch error {
        case NIOWebSocketError.invalidFrameLength:
            fail(.messageTooBig, "frame over \(maxMessageBytes) bytes")
        case is NIOWebSocketError, is ByteToMessageDecoderError:
            fail(.protocolError, "malformed frame")
        default:
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        held.removeAll()
        conversation.end()
        onClose(peerCloseCode)
        context.fireChannelInactive()
    }
}
