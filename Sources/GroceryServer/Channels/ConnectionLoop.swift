import Foundation
import GroceryProtocol
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Synchronization

/// Runs one WebSocket connection: a writer task drains the connection's mailbox, the
/// reader hands each message to the channel's session, and the registry knows the
/// connection from open to close. Logs one line when it opens and one when it closes.
enum ConnectionLoop {
    /// Reads messages for one connection; returns the close code it decided on, if any.
    protocol Session {
        /// Handles one text or binary message; may send through `connection`.
        mutating func handle(_ message: WebSocketMessage, on connection: LiveConnection) async
    }

    /// Throws what ended the reading (an oversize frame, invalid UTF-8), so the WebSocket
    /// library closes with the matching code (1009, 1007).
    static func run(
        kind: ChannelKind, peer: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        context: ServerContext, session: some Session
    ) async throws {
        var session = session
        let (mailboxStream, mailbox) = AsyncStream<Outgoing>.makeStream()
        let connection = context.registry.open(kind: kind, peer: peer, mailbox: mailbox)
        let logger = context.logger
        logger.info("connection opened", metadata: ["channel": "\(kind.rawValue)", "peer": "\(peer)", "connection": "\(connection.id)"])
        let sentClose = SentClose()
        var readError: (any Error)?

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in mailboxStream {
                    switch item {
                    case .text(let text):
                        do { try await outbound.write(.text(text)) } catch { return }
                    case .close(let code, let reason):
                        sentClose.code = code
                        try? await outbound.close(WebSocketErrorCode(codeNumber: Int(code.rawValue)), reason: reason)
                        return
                    }
                }
            }
            do {
                for try await message in inbound.messages(maxSize: context.configuration.maxFrameBytes) {
                    await session.handle(message, on: connection)
                }
            } catch {
                readError = error
            }
            mailbox.finish()
        }
        context.registry.remove(connection)
        let duration = ContinuousClock.now - connection.opened
        logger.info(
            "connection closed",
            metadata: [
                "channel": "\(kind.rawValue)", "peer": "\(peer)", "connection": "\(connection.id)",
                "code": "\(sentClose.code.map { String($0.rawValue) } ?? readError.map { "error \($0)" } ?? "peer")",
                "durationMs": "\(duration.wholeMilliseconds)",
            ])
        if let readError { throw readError }
    }
}

/// The close code this side sent, written by the writer task, read after it ended.
private final class SentClose: Sendable {
    private let value = Mutex<CloseCode?>(nil)
    var code: CloseCode? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
