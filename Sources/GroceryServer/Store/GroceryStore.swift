import Foundation
import GRDB
import GroceryNLP
import GroceryProtocol
import Synchronization

/// Carts, processed message ids, orders and sessions in SQLite (through GRDB).
///
/// Every cart change runs in one transaction together with the record of its
/// message id and reply, so a change is applied exactly once even across a crash:
/// either both are on disk or neither is.
public final class GroceryStore: Sendable {
    private let database: DatabaseQueue
    private let catalog: Catalog
    /// This database's cart history (``CartSnapshot/epoch``): made once when the database
    /// is created, so a fresh database is a new history even where versions start again.
    public let epoch: String
    /// Every session id in the `sessions` table, and those noted since: this process
    /// is the database's only writer, so a hello is answered without a query.
    private let knownSessions: Mutex<Set<String>>
    /// How the latest write went, and when: `/health` reads it (see ``writeProblem(maxAge:)``).
    private let lastWrite = Mutex<(problem: String?, at: ContinuousClock.Instant)>((nil, .now))

    /// Opens (creating if needed) the database at `path`; `":memory:"` is a throw-away store.
    public init(path: String, catalog: Catalog = .bundled) throws {
        if path == ":memory:" {
            database = try DatabaseQueue()
        } else {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            database = try DatabaseQueue(path: path)
        }
        self.catalog = catalog
        try Self.migrator.migrate(database)
        epoch = try database.read { db in try String.fetchOne(db, sql: "SELECT epoch FROM store_identity") } ?? ""
        knownSessions = Mutex(Set(try database.read { db in try String.fetchAll(db, sql: "SELECT session_id FROM sessions") }))
    }

    /// Notes a session as seen, in memory; true when it was seen before (resumed).
    /// ``touchSession(_:userId:now:)`` writes it down.
    public func noteSession(_ sessionId: String) -> Bool {
        knownSessions.withLock { !$0.insert(sessionId).inserted }
    }

    /// Whether a session id is known (written down, or noted), without noting it.
    public func isKnownSession(_ sessionId: String) -> Bool {
        knownSessions.withLock { $0.contains(sessionId) }
    }

    /// Why the store cannot write, or nil when it can. The latest write's outcome is used
    /// while it is younger than `maxAge`; otherwise a one-row write finds out, so an idle
    /// server's `/health` is as true as a busy one's.
    public func writeProblem(maxAge: Duration = .seconds(1)) async -> String? {
        let last = lastWrite.withLock { $0 }
        if ContinuousClock.now - last.at < maxAge { return last.problem }
        do {
            try await write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO health_probe (id, at) VALUES (1, ?)", arguments: [Date().timeIntervalSince1970])
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Every write goes through here, so its outcome is known to ``writeProblem(maxAge:)``.
    private func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            let value = try await database.write(updates)
            lastWrite.withLock { $0 = (nil, .now) }
            return value
        } catch {
            lastWrite.withLock { $0 = ("\(error)", .now) }
            throw error
        }
    }

    /// Closes the database; later calls fail.
    public func close() throws {
        try database.close()
    }

    /// Records a session (or its latest sighting); true when it was seen before.
    @discardableResult
    public func touchSession(_ sessionId: String, userId: String, now: Date = Date()) async throws -> Bool {
        try await write { db in
            let seen = try Bool.fetchOne(db, sql: "SELECT 1 FROM sessions WHERE session_id = ?", arguments: [sessionId]) ?? false
            try db.execute(
                sql: """
                    INSERT INTO sessions (session_id, user_id, created_at, last_seen) VALUES (?, ?, ?, ?)
                    ON CONFLICT(session_id) DO UPDATE SET last_seen = excluded.last_seen, user_id = excluded.user_id
                    """,
                arguments: [sessionId, userId, now.timeIntervalSince1970, now.timeIntervalSince1970])
            return seen
        }
    }

    /// The user's cart.
    public func cart(userId: String) async throws -> CartSnapshot {
        try await database.read { db in try self.snapshot(db, userId: userId) }
    }

    /// Applies a cart command once. A repeated id returns the first reply and the
    /// current cart without changing anything.
    public func apply(_ command: CartCommand, userId: String, now: Date = Date()) async throws -> CartOutcome {
        try await write { db in
            if let stored = try String.fetchOne(
                db, sql: "SELECT reply FROM processed WHERE user_id = ? AND message_id = ?", arguments: [userId, command.id])
            {
                let replies = (try? JSONDecoder().decode([String].self, from: Data(stored.utf8))) ?? []
                return CartOutcome(replies: replies, cart: try self.snapshot(db, userId: userId), changed: false, repeated: true)
            }
            let result = try CartRules(catalog: self.catalog, db: db, userId: userId).apply(command, now: now)
            let replies = result.replies.map { $0.encoded() }
            let stored = String(decoding: try JSONEncoder().encode(replies), as: UTF8.self)
            try db.execute(
                sql: "INSERT INTO processed (user_id, message_id, reply, created_at) VALUES (?, ?, ?, ?)",
                arguments: [userId, command.id, stored, now.timeIntervalSince1970])
            if result.changed {
                try db.execute(
                    sql: """
                        INSERT INTO cart_versions (user_id, version) VALUES (?, 1)
                        ON CONFLICT(user_id) DO UPDATE SET version = version + 1
                        """,
                    arguments: [userId])
            }
            return CartOutcome(replies: replies, cart: try self.snapshot(db, userId: userId), changed: result.changed, repeated: false)
        }
    }

    /// Forgets processed ids recorded before `cutoff`; returns how many.
    @discardableResult
    public func expireProcessed(before cutoff: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM processed WHERE created_at < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// Forgets sessions not seen since `cutoff`, and those never resumed (seen at one
    /// hello only) created before `unusedCutoff`, on disk and in memory; returns how many.
    @discardableResult
    public func expireSessions(before cutoff: Date, unusedBefore unusedCutoff: Date? = nil) async throws -> Int {
        let (seen, created) = (cutoff.timeIntervalSince1970, (unusedCutoff ?? cutoff).timeIntervalSince1970)
        let forgotten = try await write { db in
            let condition = "last_seen < ? OR (last_seen = created_at AND created_at < ?)"
            let ids = try String.fetchAll(db, sql: "SELECT session_id FROM sessions WHERE \(condition)", arguments: [seen, created])
            try db.execute(sql: "DELETE FROM sessions WHERE \(condition)", arguments: [seen, created])
            return ids
        }
        knownSessions.withLock { $0.subtract(forgotten) }
        return forgotten.count
    }

    private func snapshot(_ db: Database, userId: String) throws -> CartSnapshot {
        let version = try Int.fetchOne(db, sql: "SELECT version FROM cart_versions WHERE user_id = ?", arguments: [userId]) ?? 0
        let (lines, totalCents) = try CartRules.pricedLines(db, userId: userId, catalog: catalog)
        return CartSnapshot(epoch: epoch, version: version, items: lines, total: Money.dollars(cents: totalCents))
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE carts (
                        user_id TEXT NOT NULL, product_id TEXT NOT NULL, quantity_milli INTEGER NOT NULL,
                        position INTEGER NOT NULL, PRIMARY KEY (user_id, product_id));
                    CREATE TABLE cart_versions (user_id TEXT PRIMARY KEY, version INTEGER NOT NULL);
                    CREATE TABLE processed (
                        user_id TEXT NOT NULL, message_id TEXT NOT NULL, reply TEXT NOT NULL, created_at REAL NOT NULL,
                        PRIMARY KEY (user_id, message_id));
                    CREATE INDEX processed_created_at ON processed (created_at);
                    CREATE TABLE orders (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, items TEXT NOT NULL,
                        total_cents INTEGER NOT NULL, created_at REAL NOT NULL);
                    CREATE TABLE sessions (
                        session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at REAL NOT NULL, last_seen REAL NOT NULL);
                    """)
        }
        migrator.registerMigration("v2") { db in
            // One row that `/health` rewrites to learn whether the store can still write.
            try db.execute(sql: "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at REAL NOT NULL)")
        }
        migrator.registerMigration("v3") { db in
            // 1 when the line counts pieces of a product sold by the pound ("4 apples"),
            // bought at an estimated weight; quantity_milli is then pieces × 1000.
            try db.execute(sql: "ALTER TABLE carts ADD COLUMN counted INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v4") { db in
            // The cart history's name, random per database (see `epoch`).
            try db.execute(
                sql: "CREATE TABLE store_identity (id INTEGER PRIMARY KEY CHECK (id = 1), epoch TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO store_identity (id, epoch) VALUES (1, ?)", arguments: [UUID().uuidString.lowercased()])
        }
        return migrator
    }
}

/// What applying a cart command produced.
public struct CartOutcome: Sendable {
    /// The reply frames for the sender (ack or error, and an order after checkout), as sent the first time.
    public var replies: [String]
    /// The cart now.
    public var cart: CartSnapshot
    /// Whether the cart changed (so every connection of the user gets the new cart).
    public var changed: Bool
    /// Whether this id had been processed before.
    public var repeated: Bool
}
