import ExecLogModel
import ExecLogPricing
import ExecLogSimulation
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

@testable import ExecLogStore

/// The hourly rollups stats read must always equal what the rows say: after inserts (duplicates
/// included), deletes, prunes, and a rebuild.
@Suite struct RollupTests {
    @Test func theHourlyAndDailyTablesAreOneShapeWithTheirPeriodColumn() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("shape.db"), mode: .create)
        let queue = try DatabaseQueue(path: store.path)
        let columns = try queue.read { db in
            try ExecutionRollups.Level.allCases.map { level in
                try Row.fetchAll(db, sql: "PRAGMA table_info(\(level.table))").map { row -> String in
                    let name: String = row["name"]
                    let primaryKey: Int = row["pk"]
                    return "\(name) \(row["type"] as String) pk\(primaryKey)"
                }
            }
        }
        #expect(columns[0].first == "hour TEXT pk1")
        #expect(columns[1].first == "day TEXT pk1")
        #expect(columns[0].dropFirst() == columns[1].dropFirst())
        #expect(columns[0].count == 14, "12 of v4, the cost and unpriced count of v8")
    }

    /// What stats over `[from, to)` must be, computed from the rows with plain SQL (percentiles aside).
    static func statsFromRows(_ store: ExecutionStore, from: Date? = nil, to: Date? = nil) throws -> ExecutionStats {
        let queue = try DatabaseQueue(path: store.path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        let range = "created_at >= '\(from.map(Timestamp.format) ?? "")' AND created_at < '\(to.map(Timestamp.format) ?? "~")'"
        return try queue.read { db in
            var stats = ExecutionStats()
            stats.totalExecutions = try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions WHERE \(range)")!
            stats.totalInputTokens = try Int.fetchOne(db, sql: "SELECT total(input_tokens) FROM ai_executions WHERE \(range)") ?? 0
            stats.totalOutputTokens = try Int.fetchOne(db, sql: "SELECT total(output_tokens) FROM ai_executions WHERE \(range)") ?? 0
            stats.errorCount = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM ai_executions WHERE error_message IS NOT NULL AND \(range)")!
            stats.totalCostNanoUSD = try Int.fetchOne(db, sql: "SELECT coalesce(sum(cost_nano_usd), 0) FROM ai_executions WHERE \(range)")!
            stats.unpricedExecutions = try Int.fetchOne(
                db, sql: "SELECT count(*) - count(cost_nano_usd) FROM ai_executions WHERE \(range)")!
            for row in try Row.fetchAll(
                db, sql: "SELECT model_name, count(*) AS n FROM ai_executions WHERE \(range) GROUP BY model_name")
            {
                stats.executionsByModel[row["model_name"]] = row["n"]
            }
            return stats
        }
    }

    static func expectMatchesRows(
        _ store: ExecutionStore, from: Date? = nil, to: Date? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var filter = ExecutionFilter()
        (filter.from, filter.to) = (from, to)
        let stats = try store.stats(filter)
        let rows = try statsFromRows(store, from: from, to: to)
        #expect(stats.totalExecutions == rows.totalExecutions, sourceLocation: sourceLocation)
        #expect(stats.totalInputTokens == rows.totalInputTokens, sourceLocation: sourceLocation)
        #expect(stats.totalOutputTokens == rows.totalOutputTokens, sourceLocation: sourceLocation)
        #expect(stats.errorCount == rows.errorCount, sourceLocation: sourceLocation)
        #expect(stats.totalCostNanoUSD == rows.totalCostNanoUSD, sourceLocation: sourceLocation)
        #expect(stats.unpricedExecutions == rows.unpricedExecutions, sourceLocation: sourceLocation)
        #expect(stats.executionsByModel == rows.executionsByModel, sourceLocation: sourceLocation)
    }

    static func rollupRows(_ store: ExecutionStore) throws -> Int {
        try DatabaseQueue(path: store.path).read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM execution_rollups) + (SELECT count(*) FROM execution_rollups_daily)")!
        }
    }

    /// The daily table must hold exactly the hourly table's totals summed per day (histograms too:
    /// their sizes are compared, their contents by the stats that read them).
    static func expectDailyIsHourlyFolded(_ store: ExecutionStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let columns = "provider, usage_type, model_name, failed"
        let sums = "sum(executions), sum(input_tokens), sum(output_tokens), sum(total_tokens), sum(timed_executions), sum(execution_time_ms_sum), sum(cost_nano_usd), sum(unpriced_executions)"
        let (fromHours, days, dayRows) = try DatabaseQueue(path: store.path).read { db in
            (try Row.fetchAll(db, sql: "SELECT substr(hour, 1, 10) AS day, \(columns), \(sums) FROM execution_rollups GROUP BY day, \(columns) ORDER BY day, \(columns)"),
             try Row.fetchAll(db, sql: "SELECT day, \(columns), \(sums) FROM execution_rollups_daily GROUP BY day, \(columns) ORDER BY day, \(columns)"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM execution_rollups_daily")!)
        }
        #expect(fromHours == days, sourceLocation: sourceLocation)
        #expect(dayRows == days.count, sourceLocation: sourceLocation)
    }

    /// 3,000 executions 13 minutes apart: 27 days, so ranges cross days, hours and neither.
    static func storeOverWeeks(_ folder: TemporaryFolder) throws -> (ExecutionStore, [Execution]) {
        let store = try ExecutionStore(path: folder.path("weeks.db"), mode: .create)
        var executions = Fixtures.executions(3_000)
        for index in executions.indices {
            executions[index].createdAt = Fixtures.start.addingTimeInterval(Double(index) * 13 * 60)
        }
        try store.insert(executions)
        return (store, executions)
    }

    @Test func dailyRollupsAreTheHoursFoldedThroughInsertsDeletesPrunesAndRebuilds() throws {
        let folder = try TemporaryFolder()
        let (store, executions) = try Self.storeOverWeeks(folder)
        try Self.expectDailyIsHourlyFolded(store)
        for index in stride(from: 5, to: 3_000, by: 97) { try store.delete(executions[index].idString) }
        try Self.expectDailyIsHourlyFolded(store)
        try store.prune(olderThan: Fixtures.start.addingTimeInterval(5 * 86_400 + 1_234), chunkSize: 100)
        try Self.expectDailyIsHourlyFolded(store)
        try Self.expectMatchesRows(store)
        let queue = try DatabaseQueue(path: store.path)
        try queue.write { db in try db.execute(sql: "DELETE FROM execution_rollups_daily WHERE day > '2026-09-25'") }
        try store.rebuildRollups()
        try Self.expectDailyIsHourlyFolded(store)
        try Self.expectMatchesRows(store)
    }

    @Test func statsOverAnyRangeEqualTheRows() throws {
        let folder = try TemporaryFolder()
        let (store, _) = try Self.storeOverWeeks(folder)
        var random = SplitMix64(seed: 2026)
        let span = 27.1 * 86_400
        var ranges: [(Date?, Date?)] = [(nil, nil)]
        for _ in 0..<40 {
            let a = Double.random(in: -86_400...span, using: &random)
            let b = a + [600, 5_000, 86_400, 3 * 86_400 + 777, span].randomElement(using: &random)!
            ranges.append((Fixtures.start.addingTimeInterval(a), Fixtures.start.addingTimeInterval(b)))
            ranges.append((Fixtures.start.addingTimeInterval(a), nil))
            ranges.append((nil, Fixtures.start.addingTimeInterval(b)))
        }
        // On day and hour boundaries exactly.
        let midnight = StatsTimeSplit.periodStart(of: Fixtures.start, seconds: 86_400, roundingUp: true)
        ranges.append((midnight, midnight.addingTimeInterval(7 * 86_400)))
        ranges.append((midnight.addingTimeInterval(3_600), midnight.addingTimeInterval(2 * 86_400 - 3_600)))
        for (from, to) in ranges {
            try Self.expectMatchesRows(store, from: from, to: to)
        }
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
        // Each cost stops at a million dollars: sums stay exact and far from overflowing.
        #expect(stats.totalCostNanoUSD == 3 * ExecutionCost.maximumNanoUSD)
        try store.delete(executions[0].idString)
        #expect(try store.stats().totalExecutions == 2)
        #expect(try store.stats().totalCostNanoUSD == 2 * ExecutionCost.maximumNanoUSD)
        try Self.expectMatchesRows(store, from: Fixtures.start.addingTimeInterval(30), to: .distantFuture)
    }

    @Test func latencyHistogramsRoundTripAndStayWithinOnePercent() throws {
        var histogram = LatencyHistogram()
        var values: [Int] = []
        var generator = SplitMix64(seed: 194)
        for _ in 0..<5_000 {
            let value = Int.random(in: 0...60_000, using: &generator)
            values.append(value)
            histogram.add(value)
        }
        #expect(LatencyHistogram(encoded: histogram.encoded) == histogram)
        values.sort()
        let fractions = [0.01, 0.25, 0.5, 0.9, 0.99, 1.0]
        // Through the path stats take: the encoded BLOB, accumulated into flat counts.
        var counts = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
        #expect(LatencyHistogram.accumulate(encoded: histogram.encoded, into: &counts))
        let percentiles = try #require(LatencyHistogram.percentiles(fractions, counts: counts))
        for (fraction, value) in zip(fractions, percentiles) {
            let exact = values[max(1, Int((Double(values.count) * fraction).rounded(.up))) - 1]
            #expect(abs(value - exact) <= exact / 100 + 1, "p\(fraction): \(value) vs \(exact)")
        }
        for value in values { histogram.add(value, count: -1) }
        #expect(histogram.isEmpty)
        #expect(LatencyHistogram(encoded: [0x80]) == nil, "a truncated varint is not a histogram")
        var tooFew = [Int](repeating: 0, count: 3)
        #expect(!LatencyHistogram.accumulate(encoded: [0x80], into: &tooFew))
        #expect(!LatencyHistogram.accumulate(encoded: [0x05, 0x01], into: &tooFew), "a bucket past the counts is refused")
    }

    @Test func statsOverPartialHoursReadTheRowsAtTheEdges() throws {
        typealias Range = StatsTimeSplit.RollupRange
        let split = StatsTimeSplit(
            from: Date(timeIntervalSince1970: 3_600 * 10 + 125), to: Date(timeIntervalSince1970: 3_600 * 14 + 7))
        #expect(split.rollupRanges == [Range(level: .hourly, first: "1970-01-01T11", end: "1970-01-01T14")])
        #expect(split.rawRanges.count == 2)
        let withinOneHour = StatsTimeSplit(
            from: Date(timeIntervalSince1970: 3_600 * 10 + 125), to: Date(timeIntervalSince1970: 3_600 * 11 + 7))
        #expect(withinOneHour.rollupRanges.isEmpty && withinOneHour.rawRanges.count == 1)
        let onBoundaries = StatsTimeSplit(from: Date(timeIntervalSince1970: 3_600 * 10), to: nil)
        #expect(onBoundaries.rollupRanges == [
            Range(level: .hourly, first: "1970-01-01T10", end: "1970-01-02T00"), Range(level: .daily, first: "1970-01-02", end: nil),
        ])
        #expect(onBoundaries.rawRanges.isEmpty)
        #expect(StatsTimeSplit(from: nil, to: nil).rollupRanges == [Range(level: .daily, first: nil, end: nil)])
        #expect(StatsTimeSplit(from: nil, to: nil, days: false).rollupRanges == [Range(level: .hourly, first: nil, end: nil)])
    }

    @Test func statsOverDaysReadTheDailyRollupsAndTheHoursOfPartialDays() throws {
        typealias Range = StatsTimeSplit.RollupRange
        // 1970-01-01 22:10 to 1970-01-05 01:30: rows, hours, three whole days, hours, rows.
        let split = StatsTimeSplit(
            from: Date(timeIntervalSince1970: 3_600 * 22 + 600), to: Date(timeIntervalSince1970: 86_400 * 4 + 3_600 + 1_800))
        #expect(split.rollupRanges == [
            Range(level: .hourly, first: "1970-01-01T23", end: "1970-01-02T00"),
            Range(level: .hourly, first: "1970-01-05T00", end: "1970-01-05T01"),
            Range(level: .daily, first: "1970-01-02", end: "1970-01-05"),
        ])
        #expect(split.rawRanges.count == 2)
        // Across one midnight but no whole day: hours only.
        let overnight = StatsTimeSplit(from: Date(timeIntervalSince1970: 3_600 * 22), to: Date(timeIntervalSince1970: 86_400 + 3_600 * 2))
        #expect(overnight.rollupRanges == [Range(level: .hourly, first: "1970-01-01T22", end: "1970-01-02T02")])
        #expect(overnight.rawRanges.isEmpty)
    }
}
