import GroceryProtocol
import NIOCore
import NIOWebSocket
import Synchronization

/// One open WebSocket connection as the rest of the server sees it. Any thread may send:
/// on the connection's event loop a frame is written at once and flushed once the loop
/// has handled what is ready (so an `ack` and its `nlp.result` leave in one write);
/// from elsewhere it is handed to the loop, in order.
final class LiveConnection: Sendable {
    let id: Int
    let kind: ChannelKind
    let peer: String
    let opened = ContinuousClock.now
    /// How long to wait for the client's answer to our close frame.
    private let closeTimeout: TimeAmount
    /// Output a client may leave unread before it is closed (1008). What its own messages
    /// produce is bounded by the handler's back-pressure; this bounds what the rest of
    /// the server sends it meanwhile.
    static let maxUnsentBytes = 4 * 1024 * 1024

    private let channel: any Channel
    private let flushScheduled: NIOLoopBoundBox<Bool>
    private let sentCloseCode = Atomic<UInt16>(0)
    /// Cart snapshots by stream key: the newest version sent, and the newest waiting for
    /// the client to read what it was sent before.
    private let snapshots: NIOLoopBoundBox<SnapshotStreams>

    private struct SnapshotStreams {
        var sent: [String: Int] = [:]
        var waiting: [String: (version: Int, frame: String)] = [:]
    }

    /// Must be created on the channel's event loop.
    init(id: Int, kind: ChannelKind, peer: String, channel: any Channel, closeTimeout: Duration) {
        self.id = id
        self.kind = kind
        self.peer = peer
        self.channel = channel
        self.closeTimeout = TimeAmount(closeTimeout)
        flushScheduled = NIOLoopBoundBox(false, eventLoop: channel.eventLoop)
        snapshots = NIOLoopBoundBox(SnapshotStreams(), eventLoop: channel.eventLoop)
    }

    /// The close code this side sent, if it sent one.
    var sentClose: UInt16? {
        let code = sentCloseCode.load(ordering: .acquiring)
        return code == 0 ? nil : code
    }

    func send(_ message: ServerMessage) { send(utf8: message.encodedUTF8()) }

    func send(_ text: String) { send(utf8: text.utf8) }

    /// Sends a cart snapshot (as `frame`, for the stream `key`: the grocery channel's cart,
    /// or one tRPC subscription) in version order: one older than the newest sent or
    /// waiting on this stream is dropped, so however the tasks that committed changes
    /// race, the client sees versions rise and is left holding the newest. While the
    /// client leaves our output unread, a newer snapshot replaces the one waiting, so a
    /// stream of changes costs a slow reader one frame per key.
    func sendSnapshot(_ frame: String, version: Int, key: String) {
        onLoop { [self] in
            guard sentClose == nil else { return }
            let newest = max(snapshots.value.sent[key] ?? Int.min, snapshots.value.waiting[key]?.version ?? Int.min)
            guard version >= newest else { return }
            if channel.isWritable {
                outputDrained()
                snapshots.value.sent[key] = version
                send(frame)
            } else {
                snapshots.value.waiting[key] = (version, frame)
            }
        }
    }

    /// Forgets a stream (a stopped tRPC subscription), so a client that starts and stops
    /// subscriptions under new ids does not grow what the connection keeps.
    func endSnapshots(key: String) {
        onLoop { [self] in
            snapshots.value.sent[key] = nil
            snapshots.value.waiting[key] = nil
        }
    }

    /// The client read what waited (on the event loop): the newest snapshots held by key go out.
    func outputDrained() {
        guard !snapshots.value.waiting.isEmpty else { return }
        let waiting = snapshots.value.waiting
        snapshots.value.waiting = [:]
        for (key, snapshot) in waiting {
            snapshots.value.sent[key] = snapshot.version
            send(snapshot.frame)
        }
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if channel.eventLoop.inEventLoop { body() } else { channel.eventLoop.execute(body) }
    }

    /// A binary message (the conformance echo's).
    func send(binary: ByteBuffer) {
        guard sentClose == nil else { return }
        write(WebSocketFrame(fin: true, opcode: .binary, data: binary))
    }

    private func send(utf8: some Sequence<UInt8>) {
        guard sentClose == nil else { return }
        write(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: utf8)))
    }

    /// Sends a close frame (once) and ends our side of the TCP stream; the socket closes
    /// when the client answers, or ``closeTimeout`` after the call if it does not. (Closing at
    /// once with the client's bytes unread would reset the connection, and the client
    /// could lose the close frame with the reason.)
    func close(_ code: CloseCode, reason: String) {
        close(code: code.rawValue, reason: reason)
    }

    /// The same with any code (the echo of a peer's valid close, e.g. 3000).
    func close(code: UInt16, reason: String) {
        guard sentCloseCode.compareExchange(expected: 0, desired: code, ordering: .acquiringAndReleasing).exchanged else { return }
        var data = ByteBuffer()
        data.writeInteger(code)
        data.writeString(String(decoding: reason.utf8.prefix(120), as: UTF8.self))  // a close reason has room for 123 bytes
        let channel = self.channel
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
        // Armed now, not once the frame is out: a client that reads nothing never lets it out.
        channel.eventLoop.scheduleTask(in: closeTimeout) { channel.close(promise: nil) }
    }

    /// Asks a quiet client for a pong (on the event loop).
    func ping() {
        write(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer()))
    }

    /// Answers a client ping (on the event loop).
    func pong(_ data: ByteBuffer) {
        write(WebSocketFrame(fin: true, opcode: .pong, data: data))
    }

    private func write(_ frame: WebSocketFrame) {
        guard channel.eventLoop.inEventLoop else {
            channel.eventLoop.execute { [self] in write(frame) }
            return
        }
        channel.write(frame, promise: nil)
        if !channel.isWritable, let unsent = try? channel.syncOptions?.getOption(.bufferedWritableBytes), unsent > Self.maxUnsentBytes {
            close(.policyViolation, reason: "too far behind: \(unsent) bytes unread")
            return
        }
        if !flushScheduled.value {
            flushScheduled.value = true
            let (channel, flushScheduled) = (self.channel, self.flushScheduled)
            channel.eventLoop.execute {
                flushScheduled.value = false
                channel.flush()
            }
        }
    }
}
