import ExecLogStore
import ExecLogTestSupport
import Foundation
import Logging
import Testing

@testable import ExecLogWriter

/// When the writer's dead-letter upkeep runs: at start, then once a minute, at once past the cap, and
/// turn after turn while a chunk leaves more. Over a real store, with the clock given.
@Suite struct DeadLetterUpkeepScheduleTests {
    let logger = Logger(label: "test")

    static func letters(_ count: Int, bytes: Int = 100, daysAgo: Double = 0) -> [DeadLetter] {
        (0..<count).map { _ in
            DeadLetter(
                receivedAt: Date().addingTimeInterval(-daysAgo * 86_400), reason: "r",
                payload: [UInt8](repeating: 0x78, count: bytes - 1))
        }
    }

    @Test func runsAtStartThenOnceAMinute() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.insert([], deadLetters: Self.letters(3, daysAgo: 40))
        var upkeep = DeadLetterUpkeep(retention: .seconds(30 * 86_400), maxBytes: nil)
        try upkeep.load(from: store)
        #expect(upkeep.totals == DeadLetterTotals(count: 3, bytes: 300))
        let start = ContinuousClock.now
        #expect(upkeep.runIfDue(store: store, now: start, logger: logger)?.expired == 3)
        try store.insert([], deadLetters: Self.letters(2, daysAgo: 40))
        #expect(upkeep.runIfDue(store: store, now: start + .seconds(59), logger: logger) == nil, "not due yet")
        #expect(upkeep.runIfDue(store: store, now: start + .seconds(60), logger: logger)?.expired == 2)
    }

    @Test func pastTheCapItRunsAtOnceAndUntilNoChunkIsLeft() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        var upkeep = DeadLetterUpkeep(retention: nil, maxBytes: 10_000)
        try upkeep.load(from: store)
        let start = ContinuousClock.now
        #expect(upkeep.runIfDue(store: store, now: start, logger: logger)?.evicted == 0)
        // A commit stores 3,000 dead letters of 100 bytes: 30 times the cap, more than one chunk evicts.
        try store.insert([], deadLetters: Self.letters(3_000))
        upkeep.stored(count: 3_000, bytes: 300_000)
        #expect(upkeep.hasBacklog, "due at once, not a minute later")
        var evicted = 0
        var turns = 0
        while upkeep.hasBacklog, turns < 10, let trim = upkeep.runIfDue(store: store, now: start + .seconds(1), logger: logger) {
            evicted += trim.evicted
            turns += 1
        }
        #expect(turns == 3, "1,000 rows a chunk")
        #expect(evicted == 3_000 - 90)
        #expect(upkeep.totals == DeadLetterTotals(count: 90, bytes: 9_000))
        #expect(try store.deadLetterTotals() == upkeep.totals)
    }

    @Test func offNeverRuns() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        var upkeep = DeadLetterUpkeep(retention: nil, maxBytes: nil)
        upkeep.stored(count: 1, bytes: 1 << 30)
        #expect(upkeep.runIfDue(store: store, logger: logger) == nil)
    }
}
