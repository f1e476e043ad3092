import ExecLogModel
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

@testable import ExecLogStore

/// The hourly rollups stats read must always equal what the rows say: after inserts (duplicates
/// included), deletes, prunes, and a rebuild.
@Suite struct RollupTests {
    /// What stats over everything must be, computed from the rows with plain SQL (percentiles aside).
    static func statsFromRows(_ store: ExecutionStore) throws -> ExecutionStats {
        let queue = try DatabaseQueue(path: store.path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        return try queue.read { db in
            var stats = ExecutionStats()
            stats.totalExecutions = try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions")!
            stats.totalInputTokens = try Int.fetchOne(db, sql: "SELECT total(input_tokens) FROM ai_executions").map { $0 } ?? 0
            stats.totalOutputTokens = try Int.fetchOne(db, sql: "SELECT total(output_tokens) FROM ai_executions") ?? 0
            stats.errorCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions WHERE error_message IS NOT NULL")!
            for row in try Row.fetchAll(db, sql: "SELECT model_name, count(*) AS n FROM ai_executions GROUP BY model_name") {
                stats.executionsByModel[row["model_name"]] = row["n"]
            }
            return stats
        }
    }

    static func expectMatchesRows(_ store: ExecutionStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let stats = try store.stats()
        let rows = try statsFromRows(store)
        #expect(stats.totalExecutions == rows.totalExecutions, sourceLocation: sourceLocation)
        #expect(stats.totalInputTokens == rows.totalInputTokens, sourceLocation: sourceLocation)
        #expect(stats.totalOutputTokens == rows.totalOutputTokens, sourceLocation: sourceLocation)
        #expect(stats.errorCount == rows.errorCount, sourceLocation: sourceLocation)
        #expect(stats.executionsByModel == rows.executionsByModel, sourceLocation: sourceLocation)
    }

    static func rollupRows(_ store: ExecutionStore) throws -> Int {
        try DatabaseQueue(path: store.path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM execution_rollups")! }
    }

    @Test func insertsCountOnceAndDuplicatesNotAtAll() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let executions = Fixtures.executions(500)
        try store.insert(executions)
        try store.insert(Array(executions[100..<300]))  // a resend: duplicates
        #expect(try store.stats().totalExecutions == 500)
        try Self.expectMatchesRows(store)
    }

    @Test func deletesAndPrunesTakeRowsOffTheRollups() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        let executions = Fixtures.executions(1_000)
        try store.insert(executions)
        try store.delete(executions[900].idString)
        try store.delete(executions[17].idString)
        try Self.expectMatchesRows(store)
        try store.prune(olderThan: Fixtures.start.addingTimeInterval(600 * 60), chunkSize: 128)
        try Self.expectMatchesRows(store)
        try store.prune(olderThan: Date.distantFuture)
        #expect(try store.stats() == ExecutionStats())
        #expect(try Self.rollupRows(store) == 0, "an emptied hour leaves no rollup row behind")
    }

    @Test func aRebuildAfterChangesByHandRestoresThem() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.insert(Fixtures.executions(300))
        // The sqlite3 shell does not maintain the rollups.
        let queue = try DatabaseQueue(path: store.path)
        try queue.write { db in try db.execute(sql: "DELETE FROM ai_executions WHERE rowid % 3 = 0") }
        #expect(try store.stats().totalExecutions == 300)
        try queue.write { db in try ExecutionRollups.rebuild(in: db) }
        try Self.expectMatchesRows(store)
        #expect(try store.stats().totalExecutions == 200)
    }

    @Test func theLargestValuesTheWireAllowsSaturateInsteadOfTrapping() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        var executions = Fixtures.executions(3)
        for index in executions.indices {
            executions[index].inputTokens = .max
            executions[index].outputTokens = .max
            executions[index].executionTimeMs = .max
        }
        try store.insert(executions)
        let stats = try store.stats()
        #expect(stats.totalExecutions == 3)
        #expect(stats.totalInputTokens == .max && stats.totalOutputTokens == .max)
        #expect(try #require(stats.p99ExecutionTimeMs) > Int.max / 100 * 99)
        try store.delete(executions[0].idString)
        #expect(try store.stats().totalExecutions == 2)
    }

    @Test func latencyHistogramsRoundTripAndStayWithinOnePercent() throws {
        var histogram = LatencyHistogram()
        var values: [Int] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let value = Int.random(in: 0...60_000, using: &generator)
            values.append(value)
            histogram.add(value)
        }
        #expect(LatencyHistogram(encoded: histogram.encoded) == histogram)
        values.sort()
        let fractions = [0.01, 0.25, 0.5, 0.9, 0.99, 1.0]
        let percentiles = try #require(histogram.percentiles(fractions))
        for (fraction, value) in zip(fractions, percentiles) {
            let exact = values[max(1, Int((Double(values.count) * fraction).rounded(.up))) - 1]
            #expect(abs(value - exact) <= exact / 100 + 1, "p\(fraction): \(value) vs \(exact)")
        }
        for value in values { histogram.add(value, count: -1) }
        #expect(histogram.isEmpty)
        #expect(LatencyHistogram(encoded: [0x80]) == nil, "a truncated varint is not a histogram")
    }

    @Test func statsOverPartialHoursReadTheRowsAtTheEdges() throws {
        let split = StatsTimeSplit(
            from: Date(timeIntervalSince1970: 3_600 * 10 + 125), to: Date(timeIntervalSince1970: 3_600 * 14 + 7))
        #expect(split.wholeHours?.first == "1970-01-01T11" && split.wholeHours?.end == "1970-01-01T14")
        #expect(split.rawRanges.count == 2)
        let withinOneHour = StatsTimeSplit(
            from: Date(timeIntervalSince1970: 3_600 * 10 + 125), to: Date(timeIntervalSince1970: 3_600 * 11 + 7))
        #expect(withinOneHour.wholeHours == nil && withinOneHour.rawRanges.count == 1)
        let onBoundaries = StatsTimeSplit(from: Date(timeIntervalSince1970: 3_600 * 10), to: nil)
        #expect(onBoundaries.wholeHours?.first == "1970-01-01T10" && onBoundaries.wholeHours?.end == nil)
        #expect(onBoundaries.rawRanges.isEmpty)
    }
}
