@testable import ExecLogStore
import ExecLogModel
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

/// Dead letters are bounded: their count and bytes kept by triggers, a retention, a size cap past which
/// the oldest go, a purge.
@Suite struct DeadLetterUpkeepTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// Dead letter `n` was received `n` hours after `start`, with a payload of `size` bytes.
    static func letters(_ count: Int, size: Int = 1_000, from first: Int = 0) -> [DeadLetter] {
        (first..<first + count).map { n in
            DeadLetter(
                receivedAt: start.addingTimeInterval(Double(n) * 3_600), reason: "reason \(n)", eventID: nil,
                payload: [UInt8](repeating: UInt8(ascii: "x"), count: size))
        }
    }

    static func store(in folder: TemporaryFolder) throws -> ExecutionStore {
        try ExecutionStore(path: folder.path("s.db"), mode: .create)
    }

    @Test func theTotalsFollowInsertsAndDeletesMadeAnywhere() throws {
        let folder = try TemporaryFolder()
        let store = try Self.store(in: folder)
        let letters = Self.letters(5)
        try store.insert([], deadLetters: letters)
        #expect(try store.deadLetterTotals() == DeadLetterTotals(count: 5, bytes: letters.reduce(0) { $0 + $1.storedBytes }))
        #expect(letters[0].storedBytes == 1_000 + "reason 0".utf8.count)
        // A delete from the sqlite3 shell is counted too.
        try DatabaseQueue(path: folder.path("s.db")).write { db in
            try db.execute(sql: "DELETE FROM dead_letters WHERE reason = 'reason 4'")
        }
        #expect(try store.deadLetterTotals() == DeadLetterTotals(count: 4, bytes: 4 * 1_000 + 4 * 8))
    }

    @Test func retentionRemovesOnlyWhatIsOlderThanTheCutoff() throws {
        let folder = try TemporaryFolder()
        let store = try Self.store(in: folder)
        try store.insert([], deadLetters: Self.letters(10))
        let trim = try store.trimDeadLetters(receivedBefore: Self.start.addingTimeInterval(4 * 3_600), maxBytes: nil)
        #expect(trim.expired == 4 && trim.evicted == 0 && !trim.hasMore)
        #expect(trim.totals.count == 6)
        #expect(try store.deadLetters().map(\.reason).last == "reason 4", "the oldest left")
    }

    @Test func pastTheCapTheOldestGoDownToNinetyPercent() throws {
        let folder = try TemporaryFolder()
        let store = try Self.store(in: folder)
        let letters = Self.letters(100)
        try store.insert([], deadLetters: letters)
        let size = letters[0].storedBytes + 1  // "reason NN" is 9 bytes from 10 on; 8 below
        let cap = 50 * size
        let trim = try store.trimDeadLetters(receivedBefore: nil, maxBytes: cap)
        #expect(trim.expired == 0)
        #expect(trim.totals.bytes <= Int(Double(cap) * ExecutionStore.deadLetterLowWater))
        #expect(trim.totals.bytes > Int(Double(cap) * ExecutionStore.deadLetterLowWater) - size, "no more than needed")
        #expect(trim.evicted == 100 - trim.totals.count)
        let left = try store.deadLetters(limit: 1_000).map(\.reason)
        #expect(left.first == "reason 99", "the newest are kept")
        #expect(left.last == "reason \(100 - trim.totals.count)")
        // Under the cap: nothing more goes.
        #expect(try store.trimDeadLetters(receivedBefore: nil, maxBytes: cap).evicted == 0)
    }

    @Test func aChunkIsBoundedAndSaysWhenMoreRemains() throws {
        let folder = try TemporaryFolder()
        let store = try Self.store(in: folder)
        try store.insert([], deadLetters: Self.letters(25))
        let cutoff = Self.start.addingTimeInterval(100 * 3_600)
        var trim = try store.trimDeadLetters(receivedBefore: cutoff, maxBytes: nil, chunkSize: 10)
        #expect(trim.expired == 10 && trim.hasMore)
        trim = try store.trimDeadLetters(receivedBefore: cutoff, maxBytes: nil, chunkSize: 10)
        trim = try store.trimDeadLetters(receivedBefore: cutoff, maxBytes: nil, chunkSize: 10)
        #expect(trim.expired == 5 && !trim.hasMore && trim.totals == DeadLetterTotals())
    }

    @Test func purgeEmptiesTheTable() throws {
        let folder = try TemporaryFolder()
        let store = try Self.store(in: folder)
        try store.insert([], deadLetters: Self.letters(2_500, size: 10))
        #expect(try store.purgeDeadLetters() == 2_500)
        #expect(try store.deadLetterTotals() == DeadLetterTotals())
        #expect(try store.deadLetters().isEmpty)
    }

    @Test func theV7MigrationCountsTheDeadLettersAlreadyStored() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("v6.db")
        let letters = Self.letters(3, size: 100)
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v6")
            try queue.write { db in
                for letter in letters {
                    try db.execute(
                        sql: "INSERT INTO dead_letters (received_at, reason, payload_size, payload) VALUES (?, ?, ?, ?)",
                        arguments: [Timestamp.format(letter.receivedAt), letter.reason, letter.payloadSize, Data(letter.payload)])
                }
            }
        }
        let store = try ExecutionStore(path: path, mode: .readWrite)
        #expect(try store.deadLetterTotals() == DeadLetterTotals(count: 3, bytes: letters.reduce(0) { $0 + $1.storedBytes }))
        // The migration's frozen text counts a dead letter as the code does.
        let triggers = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dead_letters_%'")
        }
        #expect(triggers.count == 3)
        #expect(triggers.allSatisfy { $0.contains(DeadLetter.sizeSQL("NEW.")) || $0.contains(DeadLetter.sizeSQL("OLD.")) })
    }
}
