import Foundation
import Synchronization

/// A message waiting for its reply, kept on disk until the reply arrives.
public struct QueuedMessage: Codable, Sendable, Equatable {
    /// The channel it goes to.
    public enum Channel: String, Codable, Sendable {
        case walmart, grocery
    }

    /// The message id (the reply echoes it).
    public var id: String
    /// Where it goes.
    public var channel: Channel
    /// The JSON text sent.
    public var text: String

    /// Creates an entry.
    public init(id: String, channel: Channel, text: String) {
        self.id = id
        self.channel = channel
        self.text = text
    }
}

/// The outbound queue (DESIGN §4): every message is written here before it is sent and
/// removed when its reply arrives; after each welcome what is left is sent again, in
/// order. Kept in a file replaced atomically on every change, so a `kill -9` leaves
/// either the old or the new queue, never half of one. Bounded: when full, a new
/// message is refused with ``QueueError/full(capacity:)`` — never dropped silently.
public final class OutboundQueue: Sendable {
    private let file: URL?
    private let capacity: Int
    private let entries: Mutex<[QueuedMessage]>

    /// Opens the queue at `file` (nil keeps it in memory only), creating folders as needed.
    public init(file: URL?, capacity: Int = 1000) throws(QueueError) {
        self.file = file
        self.capacity = capacity
        var loaded: [QueuedMessage] = []
        if let file, FileManager.default.fileExists(atPath: file.path) {
            do {
                loaded = try JSONDecoder().decode([QueuedMessage].self, from: Data(contentsOf: file))
            } catch {
                throw .unreadable(path: file.path, reason: "\(error)")
            }
        }
        entries = Mutex(loaded)
    }

    /// Appends a message unless one with the same id is already queued; true when appended.
    @discardableResult
    public func append(_ message: QueuedMessage) throws(QueueError) -> Bool {
        try entries.withLock { (entries: inout [QueuedMessage]) throws(QueueError) -> Bool in
            if entries.contains(where: { $0.id == message.id }) { return false }
            guard entries.count < capacity else { throw .full(capacity: capacity) }
            var next = entries
            next.append(message)
            try persist(next)
            entries = next
            return true
        }
    }

    /// Removes the message with this id; true when there was one.
    @discardableResult
    public func remove(id: String) throws(QueueError) -> Bool {
        try entries.withLock { (entries: inout [QueuedMessage]) throws(QueueError) -> Bool in
            guard let index = entries.firstIndex(where: { $0.id == id }) else { return false }
            var next = entries
            next.remove(at: index)
            try persist(next)
            entries = next
            return true
        }
    }

    /// The queued messages of a channel, oldest first.
    public func pending(on channel: QueuedMessage.Channel) -> [QueuedMessage] {
        entries.withLock { $0.filter { $0.channel == channel } }
    }

    /// How many messages wait.
    public var count: Int { entries.withLock { $0.count } }

    private func persist(_ entries: [QueuedMessage]) throws(QueueError) {
        guard let file else { return }
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let data = try JSONEncoder().encode(entries)
            try data.write(to: file, options: [.atomic])
        } catch {
            throw .unwritable(path: file.path, reason: "\(error)")
        }
    }

    /// `$XDG_STATE_HOME/grocery/queue-USER.json`, else `~/.local/state/grocery/queue-USER.json`.
    public static func defaultFile(user: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".local/state")
        let safe = String(user.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0)) ? Character($0) : "_" })
        return base.appendingPathComponent("grocery/queue-\(safe).json")
    }
}

/// Why the queue refused.
public enum QueueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The queue holds `capacity` messages already.
    case full(capacity: Int)
    /// The queue file exists but cannot be read (it is left untouched).
    case unreadable(path: String, reason: String)
    /// The queue file cannot be written; the message was not queued.
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .full(let capacity): "the outbound queue is full (\(capacity) messages); wait for the connection to come back"
        case .unreadable(let path, let reason): "cannot read the queue file \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write the queue file \(path): \(reason)"
        }
    }
}
