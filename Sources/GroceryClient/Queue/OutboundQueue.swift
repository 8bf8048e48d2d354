import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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

    /// Places it takes in the queue: a query keeps one more for the cart message its
    /// result will ask for, so that message is never refused after the query is accepted.
    var slots: Int { channel == .walmart ? 2 : 1 }
}

/// A message that can never be delivered (the server rejected it, or it is too large to
/// send), kept visibly instead of blocking the messages behind it.
public struct RejectedMessage: Codable, Sendable, Equatable {
    /// The message.
    public var message: QueuedMessage
    /// The server's error code, or ours (`too_large`).
    public var code: String
    /// Why, in words.
    public var reason: String
}

/// The outbound queue (DESIGN §4): every message is written here before it is sent and
/// removed when its reply arrives; after each welcome what is left is sent again, in
/// order.
///
/// - Durable and atomic: every change writes a new file, flushes it to disk and renames
///   it over the old one, so a `kill -9` (or a power cut) leaves the old queue or the
///   new one, never half of one. "Result arrived → query removed, its cart messages
///   added" is one such change (``answer(queryID:with:)``).
/// - Exclusive: the file is locked (`flock` on `FILE.lock`) for the queue's lifetime; a
///   second client of the same file fails at once with ``QueueError/locked(path:)``.
///   The lock dies with the process, so a killed client never leaves it behind.
/// - Bounded at the door: a query takes two places (itself and the cart message its
///   result derives), a cart message one; a message that does not fit is refused with
///   ``QueueError/full(capacity:)`` — never dropped later, never silently. A result that
///   derives several cart messages may take the queue past its capacity: they belong
///   to a query already accepted.
public final class OutboundQueue: Sendable {
    /// Rejected messages kept for the user to see; older ones are forgotten.
    public static let rejectedKept = 100

    private struct Contents: Codable {
        /// Whose messages these are: a queue is sent only as its user (nil in a file of
        /// the formats before this field, claimed by the first user who opens it).
        var user: String?
        var pending: [QueuedMessage] = []
        var rejected: [RejectedMessage] = []
    }

    private let file: URL?
    private let capacity: Int
    private let contents: Mutex<Contents>
    private let lock: FileLock?

    /// Opens `user`'s queue at `file` (nil keeps it in memory only), creating folders as
    /// needed, and locks it. Throws when another process holds it, it cannot be read, or
    /// it records another user (nothing of it is then sent).
    public init(file: URL?, user: String, capacity: Int = 1000) throws(QueueError) {
        self.file = file
        self.capacity = capacity
        guard let file else {
            lock = nil
            contents = Mutex(Contents(user: user))
            return
        }
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: file.path, reason: "\(error)")
        }
        lock = try FileLock(path: file.path + ".lock", queuePath: file.path)
        var loaded = Contents()
        if FileManager.default.fileExists(atPath: file.path) {
            do {
                let data = try Data(contentsOf: file)
                if let legacy = try? JSONDecoder().decode([QueuedMessage].self, from: data) {
                    loaded.pending = legacy  // the first format: a bare array
                } else {
                    loaded = try JSONDecoder().decode(Contents.self, from: data)
                }
            } catch {
                throw .unreadable(path: file.path, reason: "\(error)")
            }
        }
        if let owner = loaded.user, owner != user { throw .otherUser(path: file.path, owner: owner, user: user) }
        if loaded.user == nil {
            loaded.user = user
            // Claimed at once, so the file is bound to its user even before its next change.
            if FileManager.default.fileExists(atPath: file.path) { try Self.write(loaded, to: file) }
        }
        contents = Mutex(loaded)
    }

    /// Appends a message unless one with the same id is queued already; true when
    /// appended. Refuses when it does not fit.
    @discardableResult
    public func append(_ message: QueuedMessage) throws(QueueError) -> Bool {
        try change { contents throws(QueueError) in
            if contents.pending.contains(where: { $0.id == message.id }) { return false }
            let used = contents.pending.reduce(0) { $0 + $1.slots }
            guard used + message.slots <= capacity else { throw .full(capacity: capacity) }
            contents.pending.append(message)
            return true
        }
    }

    /// Appends several messages in one write: all of them, or (queue full, write failed)
    /// none. False when every one was queued already.
    @discardableResult
    public func append(contentsOf messages: [QueuedMessage]) throws(QueueError) -> Bool {
        try change { contents throws(QueueError) in
            let new = messages.filter { message in !contents.pending.contains { $0.id == message.id } }
            guard !new.isEmpty else { return false }
            let used = contents.pending.reduce(0) { $0 + $1.slots }
            guard used + new.reduce(0, { $0 + $1.slots }) <= capacity else { throw .full(capacity: capacity) }
            contents.pending += new
            return true
        }
    }

    /// The reply to query `queryID` arrived: in one write, the query leaves and the cart
    /// messages it asks for join (those not queued already). False, with nothing
    /// changed, when the query was not queued (a result that arrived twice).
    @discardableResult
    public func answer(queryID: String, with derived: [QueuedMessage]) throws(QueueError) -> Bool {
        try change { contents throws(QueueError) in
            guard let index = contents.pending.firstIndex(where: { $0.id == queryID && $0.channel == .walmart }) else { return false }
            contents.pending.remove(at: index)
            for message in derived where !contents.pending.contains(where: { $0.id == message.id }) {
                contents.pending.append(message)
            }
            return true
        }
    }

    /// Removes the message with this id (of that channel, when given); true when there was one.
    @discardableResult
    public func remove(id: String, on channel: QueuedMessage.Channel? = nil) throws(QueueError) -> Bool {
        try change { contents throws(QueueError) in
            guard let index = contents.pending.firstIndex(where: { $0.id == id && (channel == nil || $0.channel == channel) }) else { return false }
            contents.pending.remove(at: index)
            return true
        }
    }

    /// Moves the message with this id to the rejected record; true when it was queued.
    @discardableResult
    public func reject(id: String, code: String, reason: String) throws(QueueError) -> Bool {
        try change { contents throws(QueueError) in
            guard let index = contents.pending.firstIndex(where: { $0.id == id }) else { return false }
            let message = contents.pending.remove(at: index)
            contents.rejected.append(RejectedMessage(message: message, code: code, reason: reason))
            contents.rejected.removeFirst(max(0, contents.rejected.count - Self.rejectedKept))
            return true
        }
    }

    /// The queued messages of a channel, oldest first.
    public func pending(on channel: QueuedMessage.Channel) -> [QueuedMessage] {
        contents.withLock { $0.pending.filter { $0.channel == channel } }
    }

    /// Whether a message with this id waits.
    public func contains(id: String) -> Bool {
        contents.withLock { $0.pending.contains { $0.id == id } }
    }

    /// How many messages wait.
    public var count: Int { contents.withLock { $0.pending.count } }

    /// Messages that will never be delivered, oldest first.
    public var rejected: [RejectedMessage] { contents.withLock { $0.rejected } }

    /// Applies `body` to a copy, writes the copy, and only then makes it the queue: a
    /// failed write changes nothing.
    private func change<T>(_ body: (inout Contents) throws(QueueError) -> T) throws(QueueError) -> T {
        try contents.withLock { (contents: inout Contents) throws(QueueError) -> T in
            var next = contents
            let result = try body(&next)
            try persist(next)
            contents = next
            return result
        }
    }

    private func persist(_ contents: Contents) throws(QueueError) {
        guard let file else { return }
        try Self.write(contents, to: file)
    }

    private static func write(_ contents: Contents, to file: URL) throws(QueueError) {
        let data: Data
        do {
            data = try JSONEncoder().encode(contents)
        } catch {
            throw .unwritable(path: file.path, reason: "\(error)")
        }
        try DurableFile.replace(file.path, with: data)
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
    /// The queue holds `capacity` places' worth already.
    case full(capacity: Int)
    /// The message is larger than a server accepts; it was not queued.
    case tooLarge(bytes: Int, limit: Int)
    /// The queue file exists but cannot be read (it is left untouched).
    case unreadable(path: String, reason: String)
    /// The queue file cannot be written (disk full, read-only…); nothing changed.
    case unwritable(path: String, reason: String)
    /// Another client (process) has this queue file open.
    case locked(path: String)
    /// The queue file records another user: its messages are that user's, never sent as this one.
    case otherUser(path: String, owner: String, user: String)

    /// The code front ends print (`grocery pipe`'s `error` events).
    public var code: String {
        switch self {
        case .full: "queue_full"
        case .tooLarge: "too_large"
        case .unreadable: "queue_unreadable"
        case .unwritable: "queue_unwritable"
        case .locked: "queue_locked"
        case .otherUser: "queue_other_user"
        }
    }

    public var description: String {
        switch self {
        case .full(let capacity): "the outbound queue is full (\(capacity) places); wait for the connection to come back"
        case .tooLarge(let bytes, let limit): "the message is \(bytes) bytes; a server takes at most \(limit): not queued"
        case .unreadable(let path, let reason): "cannot read the queue file \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write the queue file \(path): \(reason)"
        case .locked(let path):
            "the queue file \(path) is in use by another grocery client of this user; close it, or give this one its own --queue-file"
        case .otherUser(let path, let owner, let user):
            "the queue file \(path) holds the messages of user \"\(owner)\"; nothing in it is sent as \"\(user)\": run as \"\(owner)\", or give this user its own --queue-file"
        }
    }
}

/// An exclusive `flock` held for an object's lifetime.
final class FileLock: Sendable {
    private let descriptor: Int32

    init(path: String, queuePath: String) throws(QueueError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .locked(path: queuePath) }
            throw .unwritable(path: path, reason: String(cString: strerror(code)))
        }
        descriptor = fd
    }

    deinit {
        close(descriptor)  // releases the lock
    }
}

/// Replacing a file so that a crash at any point leaves the old or the new contents.
enum DurableFile {
    /// Writes `data` to a temporary file beside `path`, flushes it, renames it over
    /// `path`, and flushes the folder so the rename itself is on disk.
    static func replace(_ path: String, with data: Data) throws(QueueError) {
        let temporary = path + ".tmp"
        func fail(_ what: String) -> QueueError {
            let reason = "\(what): \(String(cString: strerror(errno)))"
            unlink(temporary)
            return .unwritable(path: path, reason: reason)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fail("open") }
        var written = 0
        let ok = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Bool in
            while written < bytes.count {
                let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return true
        }
        guard ok, fsync(fd) == 0 else {
            let error = fail("write")
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw fail("rename") }
        let folder = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }
}
