import ExecLogModel
import Foundation
import GRDB

/// How many dead letters the store holds and their size (`DeadLetter.storedBytes`), as the
/// `dead_letter_totals` row keeps them.
public struct DeadLetterTotals: Sendable, Equatable {
    public var count = 0
    public var bytes = 0

    public init(count: Int = 0, bytes: Int = 0) {
        self.count = count
        self.bytes = bytes
    }
}

/// What one chunk of dead-letter upkeep removed.
public struct DeadLetterTrim: Sendable, Equatable {
    /// Removed because they were older than the retention.
    public var expired = 0
    /// Removed, oldest first, because the table was over its size cap.
    public var evicted = 0
    /// What is left.
    public var totals = DeadLetterTotals()
    /// True when the chunk stopped at its row limit: another may remove more.
    public var hasMore = false
}

extension ExecutionStore {
    /// Dead letters removed in one upkeep transaction, at most.
    public static let deadLetterChunkSize = 1_000
    /// Past its cap, the table is brought down to this share of it, so that a flood of bad events costs
    /// an eviction per tenth of the cap, not one per commit.
    public static let deadLetterLowWater = 0.9

    /// The dead letters' count and size: one row, kept by triggers (schema v7).
    @available(*, noasync, message: "blocks on SQLite")
    public func deadLetterTotals() throws(StoreError) -> DeadLetterTotals {
        try read { db in try Self.deadLetterTotals(db) }
    }

    static func deadLetterTotals(_ db: Database) throws -> DeadLetterTotals {
        guard let row = try Row.fetchOne(db, sql: "SELECT count, bytes FROM dead_letter_totals WHERE id = 1") else {
            return DeadLetterTotals()
        }
        return DeadLetterTotals(count: try row[checked: "count"], bytes: try row[checked: "bytes"])
    }

    /// One chunk of upkeep, in one transaction: removes the dead letters received before `cutoff`, then,
    /// when the table holds more than `maxBytes`, the oldest until it holds `deadLetterLowWater` of it;
    /// at most `chunkSize` rows in all.
    @available(*, noasync, message: "blocks on SQLite")
    public func trimDeadLetters(
        receivedBefore cutoff: Date?, maxBytes: Int?, chunkSize: Int = deadLetterChunkSize
    ) throws(StoreError) -> DeadLetterTrim {
        try write { db in
            var trim = DeadLetterTrim()
            var budget = max(1, chunkSize)
            if let cutoff {
                try db.execute(
                    sql: """
                        DELETE FROM dead_letters WHERE id IN (
                            SELECT id FROM dead_letters WHERE received_at < ? ORDER BY received_at LIMIT ?)
                        """,
                    arguments: [Timestamp.format(cutoff), budget])
                trim.expired = db.changesCount
                budget -= trim.expired
            }
            trim.totals = try Self.deadLetterTotals(db)
            if let maxBytes, trim.totals.bytes > maxBytes, budget > 0 {
                let target = Int(Double(maxBytes) * Self.deadLetterLowWater)
                var excess = trim.totals.bytes - target
                var lastID: Int64?
                let oldest = try Row.fetchCursor(
                    db, sql: "SELECT id, \(DeadLetter.sizeSQL("")) AS size FROM dead_letters ORDER BY id LIMIT ?",
                    arguments: [budget])
                while excess > 0, let row = try oldest.next() {
                    lastID = try row[checked: "id"]
                    excess -= try row[checked: "size"] as Int
                }
                if let lastID {
                    try db.execute(sql: "DELETE FROM dead_letters WHERE id <= ?", arguments: [lastID])
                    trim.evicted = db.changesCount
                    budget -= trim.evicted
                }
                trim.totals = try Self.deadLetterTotals(db)
            }
            trim.hasMore = budget <= 0
            return trim
        }
    }

    /// Removes every dead letter there is when it starts, a chunk per transaction (a running writer keeps
    /// writing meanwhile, and what it adds after the start stays: a flood cannot keep a purge going).
    /// Returns how many went.
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func purgeDeadLetters(chunkSize: Int = deadLetterChunkSize) throws(StoreError) -> Int {
        guard let last = try read({ db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM dead_letters") }) else { return 0 }
        var removed = 0
        while true {
            let count = try write { db in
                try db.execute(
                    sql: """
                        DELETE FROM dead_letters WHERE id IN (
                            SELECT id FROM dead_letters WHERE id <= ? ORDER BY id LIMIT ?)
                        """,
                    arguments: [last, max(1, chunkSize)])
                return db.changesCount
            }
            removed += count
            if count == 0 { return removed }
        }
    }
}
