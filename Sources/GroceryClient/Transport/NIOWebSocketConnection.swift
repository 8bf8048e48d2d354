import NIOCore
import NIOWebSocket
import Synchronization

/// An upgraded connection: one task owns the NIO channel; sends go through a stream to
/// it, received messages are buffered for ``receive()``. Handles what RFC 6455 asks of a
/// client: masked frames, answering pings, reassembling fragmented messages, and the
/// close handshake.
final class NIOWebSocketConnection: TransportConnection {
    private enum Outgoing: Sendable {
        case text(String)
        case pong(ByteBuffer)
        case close(UInt16, String)
    }

    private let outgoing: AsyncStream<Outgoing>.Continuation
    private let events = EventBuffer()
    private let task: Task<Void, Never>

    init(channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, maxMessageBytes: Int) {
        let (stream, continuation) = AsyncStream<Outgoing>.makeStream()
        outgoing = continuation
        let events = self.events
        task = Task {
            var ending = TransportEvent.closed(code: 1006, reason: "connection lost")
            do {
                try await channel.executeThenClose { inbound, outbound in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await item in stream {
                                switch item {
                                case .text(let text):
                                    try await outbound.write(Self.frame(.text, ByteBuffer(string: text)))
                                case .pong(let data):
                                    try await outbound.write(Self.frame(.pong, data))
                                case .close(let code, let reason):
                                    var data = ByteBuffer()
                                    data.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code)))
                                    data.writeString(reason)
                                    try await outbound.write(Self.frame(.connectionClose, data))
                                    return
                                }
                            }
                        }
                        var message: ByteBuffer?
                        reading: for try await frame in inbound {
                            switch frame.opcode {
                            case .text, .binary, .continuation:
                                var data = frame.unmaskedData
                                if frame.opcode != .continuation { message = ByteBuffer() }
                                message?.writeBuffer(&data)
                                guard (message?.readableBytes ?? 0) <= maxMessageBytes else {
                                    continuation.yield(.close(1009, "message too big"))
                                    ending = .closed(code: 1009, reason: "message too big")
                                    break reading
                                }
                                if frame.fin, let complete = message {
                                    events.push(.text(String(buffer: complete)))
                                    message = nil
                                }
                            case .ping:
                                continuation.yield(.pong(frame.unmaskedData))
                            case .connectionClose:
                                var data = frame.unmaskedData
                                let code = data.readInteger(as: UInt16.self) ?? 1005
                                let reason = data.readString(length: data.readableBytes) ?? ""
                                ending = .closed(code: code, reason: reason)
                                continuation.yield(.close(code == 1005 ? 1000 : code, ""))  // echo, then the server closes TCP
                                break reading
                            default:
                                break
                            }
                        }
                        continuation.finish()
                        try await group.waitForAll()
                    }
                }
            } catch {
                // The socket failed; `ending` says what was known.
            }
            events.push(ending)
            events.finish()
        }
    }

    private static func frame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
    }

    func send(_ text: String) async throws(TransportError) {
        guard !events.isFinished else { throw .closed }
        if case .terminated = outgoing.yield(.text(text)) { throw .closed }
    }

    func receive() async -> TransportEvent {
        await events.next()
    }

    func close(code: UInt16, reason: String) async {
        outgoing.yield(.close(code, reason))
        outgoing.finish()
        // The server answers the close and drops TCP. A peer that does not (stopped,
        // half-open) gets two seconds, then the socket is torn down from our side.
        let task = self.task
        let deadline = Task {
            try? await Task.sleep(for: .seconds(2))
            task.cancel()
        }
        await task.value
        deadline.cancel()
    }

    func terminate() async {
        outgoing.finish()
        task.cancel()
        await task.value
    }

    deinit {
        outgoing.finish()
        task.cancel()
    }
}

/// Received events not yet taken, with at most one waiting reader; ends with a `closed`.
final class EventBuffer: Sendable {
    private struct State {
        var buffer: [TransportEvent] = []
        var finished = false
        var waiter: CheckedContinuation<TransportEvent, Never>?
    }

    private let state = Mutex(State())

    var isFinished: Bool { state.withLock { $0.finished } }

    func push(_ event: TransportEvent) {
        state.withLock { state in
            guard !state.finished else { return }
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.resume(returning: event)
            } else {
                state.buffer.append(event)
            }
        }
    }

    func finish() {
        state.withLock { $0.finished = true }
    }

    func next() async -> TransportEvent {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if !state.buffer.isEmpty {
                    continuation.resume(returning: state.buffer.removeFirst())
                } else if state.finished {
                    continuation.resume(returning: .closed(code: 1006, reason: "connection closed"))
                } else {
                    state.waiter = continuation
                }
            }
        }
    }
}
