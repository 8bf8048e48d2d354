import GroceryProtocol
import NIOCore
import NIOWebSocket

/// The server end of one WebSocket connection, on its event loop: joins fragments into
/// messages, answers pings, completes the close handshake, and enforces what RFC 6455
/// and our limits ask — masked client frames, no reserved bits, whole control frames of
/// at most 125 bytes, close payloads of 0 or 2+ bytes with a sendable code (else 1002),
/// messages up to the size limit (else 1009), valid UTF-8 in text and close reasons
/// (else 1007). Complete messages go to the
/// channel's ``Conversation``.
final class WebSocketConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let connection: LiveConnection
    private let conversation: any Conversation
    private let maxMessageBytes: Int
    private let onClose: (_ peerCloseCode: UInt16?) -> Void
    /// The fragments of a message still being received.
    private var partial: ByteBuffer?
    private var partialIsText = false
    private var peerCloseCode: UInt16?
    private var failed = false

    init(
        connection: LiveConnection, conversation: any Conversation, maxMessageBytes: Int,
        onClose: @escaping (_ peerCloseCode: UInt16?) -> Void
    ) {
        self.connection = connection
        self.conversation = conversation
        self.maxMessageBytes = maxMessageBytes
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        let frame = unwrapInboundIn(data)
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
            conversation.receive(.text(text))
        } else {
            conversation.receive(.binary(message))
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
        conversation.end()
        onClose(peerCloseCode)
        context.fireChannelInactive()
    }
}
