import Foundation
import GroceryTestSupport
import Testing

@testable import GroceryClient

@Suite("Outbound queue")
struct OutboundQueueTests {
    static func file() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("grocery-queue-\(UUID().uuidString)/queue.json")
    }

    @Test("kept on disk, in order, across reopening; removal by id")
    func persistent() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        do {
            let queue = try OutboundQueue(file: url, user: "ada")
            for n in 1...3 { try queue.append(QueuedMessage(id: "m\(n)", channel: n == 2 ? .grocery : .walmart, text: "t\(n)")) }
            #expect(try !queue.append(QueuedMessage(id: "m1", channel: .walmart, text: "again")))
            try queue.remove(id: "m1")
        }  // closed: its lock is released
        let reopened = try OutboundQueue(file: url, user: "ada")
        #expect(reopened.pending(on: .walmart).map(\.id) == ["m3"])
        #expect(reopened.pending(on: .grocery).map(\.id) == ["m2"])
        #expect(reopened.count == 2)
    }

    @Test("a queue file is its user's: another user is refused and nothing of it is read; a file without a user is claimed")
    func boundToItsUser() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        do {
            let queue = try OutboundQueue(file: url, user: "alice")
            try queue.append(QueuedMessage(id: "milk", channel: .walmart, text: "add 2 gallons of milk"))
        }
        #expect(throws: QueueError.otherUser(path: url.path, owner: "alice", user: "bob")) { try OutboundQueue(file: url, user: "bob") }
        #expect(try OutboundQueue(file: url, user: "alice").pending(on: .walmart).map(\.id) == ["milk"])
        // The first format, a bare array with no user: the first to open it owns it from then on.
        try JSONSerialization.data(withJSONObject: [["id": "old", "channel": "grocery", "text": "t"]]).write(to: url)
        #expect(try OutboundQueue(file: url, user: "carol").pending(on: .grocery).map(\.id) == ["old"])
        #expect(throws: QueueError.otherUser(path: url.path, owner: "carol", user: "alice")) { try OutboundQueue(file: url, user: "alice") }
    }

    @Test("a full queue refuses at the door with a clear error and keeps what it has; a query holds a place for its cart message")
    func full() throws {
        let queue = try OutboundQueue(file: nil, user: "ada", capacity: 5)
        try queue.append(QueuedMessage(id: "a", channel: .walmart, text: ""))
        try queue.append(QueuedMessage(id: "b", channel: .walmart, text: ""))
        #expect(throws: QueueError.full(capacity: 5)) { try queue.append(QueuedMessage(id: "c", channel: .walmart, text: "")) }
        try queue.append(QueuedMessage(id: "x", channel: .grocery, text: ""))  // one place was left
        #expect(throws: QueueError.full(capacity: 5)) { try queue.append(QueuedMessage(id: "y", channel: .grocery, text: "")) }
        #expect(queue.count == 3)
        // The answered queries' cart messages always fit: their places were held.
        #expect(try queue.answer(queryID: "a", with: [QueuedMessage(id: "a:0", channel: .grocery, text: "")]))
        #expect(try queue.answer(queryID: "b", with: [QueuedMessage(id: "b:0", channel: .grocery, text: "")]))
        #expect(queue.pending(on: .grocery).map(\.id) == ["x", "a:0", "b:0"])
        #expect(QueueError.full(capacity: 5).description.contains("full"))
        #expect(QueueError.full(capacity: 5).code == "queue_full")
    }

    @Test("several messages (a swap's remove and add) are one write: all of them or, full or unwritable, none")
    func appendTogether() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        do {
            let queue = try OutboundQueue(file: url, user: "ada", capacity: 3)
            try queue.append(QueuedMessage(id: "a", channel: .grocery, text: ""))
            let swap = [QueuedMessage(id: "r", channel: .grocery, text: "remove"), QueuedMessage(id: "n", channel: .grocery, text: "add")]
            #expect(try queue.append(contentsOf: swap))
            #expect(try !queue.append(contentsOf: swap))  // queued already: nothing twice
            #expect(throws: QueueError.full(capacity: 3)) {
                try queue.append(contentsOf: [QueuedMessage(id: "x", channel: .grocery, text: ""), QueuedMessage(id: "y", channel: .grocery, text: "")])
            }
            try queue.remove(id: "a")
            // One place left, two asked for: neither goes in.
            #expect(throws: QueueError.full(capacity: 3)) {
                try queue.append(contentsOf: [QueuedMessage(id: "x", channel: .grocery, text: ""), QueuedMessage(id: "y", channel: .grocery, text: "")])
            }
            try FileManager.default.createDirectory(atPath: url.path + ".tmp", withIntermediateDirectories: false)
            #expect(throws: QueueError.self) { try queue.append(contentsOf: [QueuedMessage(id: "z", channel: .grocery, text: "")]) }
            #expect(queue.pending(on: .grocery).map(\.id) == ["r", "n"])
            try FileManager.default.removeItem(atPath: url.path + ".tmp")
        }  // closed: on disk as it was after the last write that succeeded
        #expect(try OutboundQueue(file: url, user: "ada").pending(on: .grocery).map(\.id) == ["r", "n"])
    }

    @Test("an unreadable queue file is an error, and is left alone")
    func unreadable() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: url)
        #expect(throws: QueueError.self) { try OutboundQueue(file: url, user: "ada") }
        #expect(try String(contentsOf: url, encoding: .utf8) == "not json")
    }

    @Test("a result is one write: the query leaves and its cart messages join; a second result changes nothing")
    func answerIsAtomic() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        do {
            let queue = try OutboundQueue(file: url, user: "ada")
            try queue.append(QueuedMessage(id: "q", channel: .walmart, text: "query"))
            let derived = [QueuedMessage(id: "q:0", channel: .grocery, text: "add"), QueuedMessage(id: "q:1", channel: .grocery, text: "add")]
            #expect(try queue.answer(queryID: "q", with: derived))
            #expect(try !queue.answer(queryID: "q", with: derived))
            #expect(try queue.remove(id: "q:0"))
            #expect(try !queue.answer(queryID: "q", with: derived))  // not re-added after its ack
        }
        let reopened = try OutboundQueue(file: url, user: "ada")
        #expect(reopened.pending(on: .walmart).isEmpty)
        #expect(reopened.pending(on: .grocery).map(\.id) == ["q:1"])
    }

    @Test("a second client of the same file fails at once; the lock goes with the first")
    func exclusive() async throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        var first: OutboundQueue? = try OutboundQueue(file: url, user: "ada")
        try first?.append(QueuedMessage(id: "a", channel: .walmart, text: ""))
        #expect(throws: QueueError.locked(path: url.path)) { try OutboundQueue(file: url, user: "ada") }
        #expect(QueueError.locked(path: url.path).description.contains("in use by another grocery client"))
        first = nil
        // Another test spawning a process at this moment holds a copy of the lock's
        // descriptor between its fork and exec (O_CLOEXEC closes it at the exec): the lock
        // is free within moments, not always at once.
        var reopened: OutboundQueue?
        try await eventually("the lock freed", within: .seconds(5)) {
            reopened = try? OutboundQueue(file: url, user: "ada")
            return reopened != nil
        }
        #expect(reopened?.count == 1)
    }

    @Test("a write that fails changes nothing and says so with its own code")
    func unwritable() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let queue = try OutboundQueue(file: url, user: "ada")
        try queue.append(QueuedMessage(id: "a", channel: .walmart, text: ""))
        // A folder where the temporary file must go: every write fails (as a full disk would).
        try FileManager.default.createDirectory(atPath: url.path + ".tmp", withIntermediateDirectories: false)
        #expect {
            try queue.append(QueuedMessage(id: "b", channel: .walmart, text: ""))
        } throws: { error in
            guard let error = error as? QueueError, case .unwritable = error else { return false }
            return error.code == "queue_unwritable"
        }
        #expect(throws: QueueError.self) { try queue.answer(queryID: "a", with: [QueuedMessage(id: "a:0", channel: .grocery, text: "")]) }
        #expect(queue.pending(on: .walmart).map(\.id) == ["a"])
        #expect(queue.pending(on: .grocery).isEmpty)
        try FileManager.default.removeItem(atPath: url.path + ".tmp")
        try queue.append(QueuedMessage(id: "b", channel: .walmart, text: ""))
        #expect(queue.count == 2)
    }

    @Test("rejected messages leave the queue for a record kept on disk, the newest 100")
    func rejectedRecord() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        do {
            let queue = try OutboundQueue(file: url, user: "ada")
            for n in 0..<105 {
                try queue.append(QueuedMessage(id: "m\(n)", channel: .grocery, text: "t"))
                #expect(try queue.reject(id: "m\(n)", code: "invalid_field", reason: "bad quantity"))
            }
            #expect(try !queue.reject(id: "m0", code: "invalid_field", reason: "again"))
        }
        let reopened = try OutboundQueue(file: url, user: "ada")
        #expect(reopened.count == 0)
        #expect(reopened.rejected.count == OutboundQueue.rejectedKept)
        #expect(reopened.rejected.first?.message.id == "m5")
        #expect(reopened.rejected.last == RejectedMessage(message: QueuedMessage(id: "m104", channel: .grocery, text: "t"), code: "invalid_field", reason: "bad quantity"))
    }

    @Test("a queue file of the first format (a bare array) is read")
    func legacyFormat() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(#"[{"id":"a","channel":"walmart","text":"q"}]"#.utf8).write(to: url)
        #expect(try OutboundQueue(file: url, user: "ada").pending(on: .walmart) == [QueuedMessage(id: "a", channel: .walmart, text: "q")])
    }
}
