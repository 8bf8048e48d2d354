import Foundation
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
        let queue = try OutboundQueue(file: url)
        for n in 1...3 { try queue.append(QueuedMessage(id: "m\(n)", channel: n == 2 ? .grocery : .walmart, text: "t\(n)")) }
        #expect(try !queue.append(QueuedMessage(id: "m1", channel: .walmart, text: "again")))
        try queue.remove(id: "m1")
        let reopened = try OutboundQueue(file: url)
        #expect(reopened.pending(on: .walmart).map(\.id) == ["m3"])
        #expect(reopened.pending(on: .grocery).map(\.id) == ["m2"])
        #expect(reopened.count == 2)
    }

    @Test("a full queue refuses with a clear error and keeps what it has")
    func full() throws {
        let queue = try OutboundQueue(file: nil, capacity: 2)
        try queue.append(QueuedMessage(id: "a", channel: .walmart, text: ""))
        try queue.append(QueuedMessage(id: "b", channel: .walmart, text: ""))
        #expect(throws: QueueError.full(capacity: 2)) { try queue.append(QueuedMessage(id: "c", channel: .walmart, text: "")) }
        #expect(queue.count == 2)
        #expect(QueueError.full(capacity: 2).description.contains("full"))
    }

    @Test("an unreadable queue file is an error, and is left alone")
    func unreadable() throws {
        let url = Self.file()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: url)
        #expect(throws: QueueError.self) { try OutboundQueue(file: url) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "not json")
    }
}
