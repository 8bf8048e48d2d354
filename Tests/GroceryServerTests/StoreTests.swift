import Foundation
import GroceryProtocol
import GroceryTestSupport
import Testing

@testable import GroceryServer

@Suite("Store")
struct StoreTests {
    @Test("processed ids expire: after the lifetime a repeated id is new again")
    func expiry() async throws {
        let store = try GroceryStore(path: ":memory:")
        let add = CartCommand(id: "old", action: .add, productId: "banana", quantity: 1)
        let long = Date(timeIntervalSince1970: 1_000_000)
        _ = try await store.apply(add, userId: "kim", now: long)
        #expect(try await store.apply(add, userId: "kim", now: long).repeated)
        #expect(try await store.expireProcessed(before: long.addingTimeInterval(1)) == 1)
        let again = try await store.apply(add, userId: "kim", now: long.addingTimeInterval(2))
        #expect(!again.repeated)
        #expect(again.cart.items.first?.quantity == 2)
    }

    @Test("a change and its record survive closing and reopening the file")
    func durable() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("grocery-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let add = CartCommand(id: "keep", action: .add, productId: "banana", quantity: 2)
        do {
            let store = try GroceryStore(path: path)
            _ = try await store.apply(add, userId: "lee")
            try store.close()
        }
        let reopened = try GroceryStore(path: path)
        let repeat_ = try await reopened.apply(add, userId: "lee")
        #expect(repeat_.repeated)
        #expect(repeat_.cart.items.first?.quantity == 2)
        try reopened.close()
    }

    @Test("known sessions are answered from memory, and those written down are known after reopening")
    func knownSessions() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("grocery-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let store = try GroceryStore(path: path)
            #expect(!store.noteSession("written"))
            #expect(store.noteSession("written"))
            #expect(!store.noteSession("only-noted"))
            try await store.touchSession("written", userId: "lee")
            try store.close()
        }
        let reopened = try GroceryStore(path: path)
        #expect(reopened.noteSession("written"))
        #expect(!reopened.noteSession("only-noted"))
        try reopened.close()
    }

    @Test("sessions not seen within the lifetime are forgotten, on disk and in memory")
    func sessionExpiry() async throws {
        let store = try GroceryStore(path: ":memory:")
        let long = Date(timeIntervalSince1970: 1_000_000)
        _ = store.noteSession("old")
        try await store.touchSession("old", userId: "kim", now: long)
        _ = store.noteSession("recent")
        try await store.touchSession("recent", userId: "kim", now: long.addingTimeInterval(100))
        #expect(try await store.expireSessions(before: long.addingTimeInterval(50)) == 1)
        #expect(!store.noteSession("old"))
        #expect(store.noteSession("recent"))
    }

    @Test("a session seen at one hello only is kept briefly; one that came back is kept its lifetime")
    func unusedSessionExpiry() async throws {
        let store = try GroceryStore(path: ":memory:")
        let start = Date(timeIntervalSince1970: 1_000_000)
        for id in ["once", "back"] {
            _ = store.noteSession(id)
            try await store.touchSession(id, userId: "kim", now: start)
        }
        try await store.touchSession("back", userId: "kim", now: start.addingTimeInterval(10))
        let later = start.addingTimeInterval(7200)
        #expect(try await store.expireSessions(before: start.addingTimeInterval(-1), unusedBefore: later.addingTimeInterval(-3600)) == 1)
        #expect(!store.isKnownSession("once"))
        #expect(store.isKnownSession("back"))
    }

    @Test("the session quota counts per user and per address (IPv6 by /64), and its table stays bounded")
    func sessionQuotaTable() {
        let quota = SessionQuota(perUser: 2, perAddress: 3)
        let now = ContinuousClock.now
        #expect(quota.admit(user: "a", address: "2001:db8:1:2:aaaa::1", now: now))
        #expect(quota.admit(user: "a", address: "2001:db8:1:2:bbbb::9", now: now))
        #expect(!quota.admit(user: "a", address: "10.0.0.1", now: now))  // the user's 2
        #expect(quota.admit(user: "b", address: "2001:db8:1:2:cccc::5", now: now))
        #expect(!quota.admit(user: "c", address: "2001:db8:1:2:dddd::7", now: now))  // the /64's 3
        #expect(quota.admit(user: "a", address: "10.0.0.1", now: now + .seconds(3601)))  // a new hour
        // A spray of names and addresses fills the table to its bound, and no further.
        let full = SessionQuota(perUser: 5, perAddress: 5)
        var admitted = 0
        for n in 0..<(SessionQuota.maxWindows / 2 + 100) where full.admit(user: "u\(n)", address: "10.\(n >> 16 & 255).\(n >> 8 & 255).\(n & 255)", now: now) {
            admitted += 1
        }
        #expect(admitted == SessionQuota.maxWindows / 2)
        #expect(full.admit(user: "u0", address: "10.0.0.0", now: now))  // known windows still count
    }

    @Test("the upgrade limiter refuses while draining and refills with time")
    func admission() {
        var limits = ServerConfiguration.Limits()
        limits.upgradesPerSecond = 1
        limits.upgradeBurst = 1
        let registry = ConnectionRegistry(limits: limits)
        let start = ContinuousClock.now
        #expect(registry.admit(ip: "a", now: start) == .allowed)
        #expect(registry.admit(ip: "a", now: start) == .rateLimited(retryAfter: .milliseconds(1000)))
        #expect(registry.admit(ip: "b", now: start) == .allowed)
        #expect(registry.admit(ip: "a", now: start + .seconds(1)) == .allowed)
        _ = registry.beginDraining()
        #expect(registry.admit(ip: "c", now: start) == .draining(retryAfter: .seconds(1)))
    }

    @Test("an admitted upgrade counts against its address's cap at once, before it is served, until released")
    func capCountsAdmissions() {
        var limits = ServerConfiguration.Limits()
        limits.connectionsPerIP = 2
        let registry = ConnectionRegistry(limits: limits)
        // Two upgrades let through, neither served yet (the 101 is on its way): the third waits.
        #expect(registry.admit(ip: "a") == .allowed)
        #expect(registry.admit(ip: "a") == .allowed)
        #expect(registry.admit(ip: "a") == .tooManyConnections)
        #expect(registry.admit(ip: "b") == .allowed)
        registry.release(ip: "a")
        #expect(registry.admit(ip: "a") == .allowed)
        #expect(registry.admit(ip: "a") == .tooManyConnections)
    }
}

@Suite("Health", .timed)
struct HealthTests {
    @Test("/health reports status, connections per channel and uptime")
    func health() async throws {
        try await withServer { server in
            let socket = try await TestSocket.connect(server.walmartURL)
            let response = try await RawHTTP.get(port: server.ports.walmart, path: "/health")
            #expect(response.status == 200)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
            #expect(object["status"] as? String == "ok")
            let connections = try #require(object["connections"] as? [String: Int])
            #expect(connections == ["walmart": 1, "grocery": 0, "trpc": 0])
            #expect(object["uptimeSeconds"] is Double || object["uptimeSeconds"] is Int)
            try await socket.close()
        }
    }
}
