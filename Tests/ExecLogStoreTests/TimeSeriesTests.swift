import ExecLogModel
import ExecLogPricing
import ExecLogStore
import ExecLogTestSupport
import GRDB
import Foundation
import Testing

@Suite struct TimeSeriesTests {
    let folder: TemporaryFolder
    let store: ExecutionStore
    let executions: [Execution]

    init() throws {
        folder = try TemporaryFolder()
        store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        // One a minute: 1,500 minutes span 26 hours and two UTC days.
        executions = Fixtures.executions(1_500)
        try store.insert(executions)
    }

    /// The expected series, computed here without SQL.
    func expected(_ filter: ExecutionFilter, bucket: ExecutionTimeSeries.Bucket) -> ExecutionTimeSeries {
        var points: [String: ExecutionTimeSeries.Point] = [:]
        for execution in executions where matches(execution, filter) {
            let created = Timestamp.format(execution.createdAt)
            let start = bucket == .hour ? String(created.prefix(13)) + ":00:00.000Z" : String(created.prefix(10)) + "T00:00:00.000Z"
            let tokens = execution.totalTokens ?? ((execution.inputTokens ?? 0) + (execution.outputTokens ?? 0))
            var point = points[start] ?? .init(start: start)
            point.executions += 1
            point.inputTokens += execution.inputTokens ?? 0
            point.outputTokens += execution.outputTokens ?? 0
            point.totalTokens += tokens
            point.errors += execution.isError ? 1 : 0
            // Each row's cost as the writer computed it (CostArithmeticTests checks the arithmetic).
            let cost = PriceBook.bundled.cost(of: execution, createdAt: created).totalNanoUSD
            point.costNanoUSD += cost ?? 0
            point.unpricedExecutions += cost == nil ? 1 : 0
            point.costByModel[execution.modelName, default: 0] += cost ?? 0
            if cost == nil { point.unpricedByModel[execution.modelName, default: 0] += 1 }
            var provider = point.byProvider[execution.provider] ?? .init()
            provider.costNanoUSD += cost ?? 0
            provider.unpricedExecutions += cost == nil ? 1 : 0
            provider.executions += 1
            provider.tokens += tokens
            provider.errors += execution.isError ? 1 : 0
            point.byProvider[execution.provider] = provider
            var usageType = point.byUsageType[execution.usageType] ?? .init()
            usageType.costNanoUSD += cost ?? 0
            usageType.unpricedExecutions += cost == nil ? 1 : 0
            usageType.executions += 1
            usageType.tokens += tokens
            usageType.errors += execution.isError ? 1 : 0
            point.byUsageType[execution.usageType] = usageType
            points[start] = point
        }
        return ExecutionTimeSeries(bucket: bucket, points: points.values.sorted { $0.start < $1.start })
    }

    func matches(_ execution: Execution, _ filter: ExecutionFilter) -> Bool {
        (filter.usageType.map { execution.usageType == $0 } ?? true)
            && (filter.provider.map { execution.provider == $0 } ?? true)
            && (filter.status.map { ($0 == .error) == execution.isError } ?? true)
            && (filter.from.map { execution.createdAt >= $0 } ?? true)
            && (filter.to.map { execution.createdAt < $0 } ?? true)
    }

    static let filters: [ExecutionFilter] = [
        ExecutionFilter(),
        ExecutionFilter(usageType: "interview"),
        ExecutionFilter(provider: "openai", status: .error),
        ExecutionFilter(from: Fixtures.start.addingTimeInterval(3_000), to: Fixtures.start.addingTimeInterval(50_000)),
        ExecutionFilter(provider: "nobody"),
    ]

    @Test(arguments: filters, ExecutionTimeSeries.Bucket.allCases)
    func bucketsMatchTheExecutions(_ filter: ExecutionFilter, bucket: ExecutionTimeSeries.Bucket) throws {
        var series = try store.timeSeries(filter, bucket: bucket)
        // Each bucket's percentiles: within 1 % of the exact nearest rank (LatencyHistogram's bound).
        for point in series.points {
            let times = executions.filter { matches($0, filter) && bucketStart($0, bucket) == point.start }
                .compactMap(\.executionTimeMs).sorted()
            func nearestRank(_ p: Double) -> Int { times[max(1, Int((Double(times.count) * p).rounded(.up))) - 1] }
            func close(_ value: Int?, _ exact: Int) -> Bool { value.map { abs($0 - exact) <= exact / 100 + 1 } ?? false }
            if times.isEmpty {
                #expect(point.p95ExecutionTimeMs == nil)
            } else {
                #expect(close(point.p50ExecutionTimeMs, nearestRank(0.50)), "\(point.start): \(String(describing: point.p50ExecutionTimeMs))")
                #expect(close(point.p95ExecutionTimeMs, nearestRank(0.95)), "\(point.start): \(String(describing: point.p95ExecutionTimeMs))")
            }
        }
        for index in series.points.indices {
            (series.points[index].p50ExecutionTimeMs, series.points[index].p95ExecutionTimeMs) = (nil, nil)
        }
        #expect(series == expected(filter, bucket: bucket))
    }

    func bucketStart(_ execution: Execution, _ bucket: ExecutionTimeSeries.Bucket) -> String {
        let created = Timestamp.format(execution.createdAt)
        return bucket == .hour ? String(created.prefix(13)) + ":00:00.000Z" : String(created.prefix(10)) + "T00:00:00.000Z"
    }

    @Test func hoursAndDaysAddUpToTheStats() throws {
        let stats = try store.stats()
        for bucket in ExecutionTimeSeries.Bucket.allCases {
            let series = try store.timeSeries(bucket: bucket)
            #expect(series.points.map(\.executions).reduce(0, +) == stats.totalExecutions)
            #expect(series.points.map(\.totalTokens).reduce(0, +) == stats.totalTokens)
            #expect(series.points.map(\.errors).reduce(0, +) == stats.errorCount)
            #expect(series.points.map(\.costNanoUSD).reduce(0, +) == stats.totalCostNanoUSD)
            #expect(stats.totalCostNanoUSD > 0)
        }
        #expect(try store.timeSeries(bucket: .day).points.count == 2)
        #expect(try store.timeSeries(bucket: .hour).points.count == 26)
    }

    @Test func facetsAreTheDistinctValuesSorted() throws {
        let facets = try store.facets()
        #expect(facets.usageTypes == Set(executions.map(\.usageType)).sorted())
        #expect(facets.providers == Set(executions.map(\.provider)).sorted())
        #expect(facets.modelNames == Set(executions.map(\.modelName)).sorted())
    }

    @Test func anEmptyStoreHasNoPointsAndNoFacets() throws {
        let empty = try ExecutionStore(path: folder.path("empty.db"), mode: .create)
        #expect(try empty.timeSeries(bucket: .day).points.isEmpty)
        #expect(try empty.facets() == ExecutionFacets())
    }
}

/// A row edited by hand into a negative duration (the writer refuses them) is counted as 0 ms, never
/// an index out of the histogram.
@Suite struct HandEditedDurationTests {
    @Test func aNegativeDurationInAPartialHourIsCountedAsZero() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.db")
        let executions = Fixtures.executions(90)
        try ExecutionStore(path: path, mode: .create).insert(executions)
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: "UPDATE ai_executions SET execution_time_ms = -5 WHERE id = ?", arguments: [executions[1].idString])
        }
        let store = try ExecutionStore(path: path, mode: .readOnly)
        // From 30 s past the first row: the first hour is partial, read from the rows.
        let filter = ExecutionFilter(from: Fixtures.start.addingTimeInterval(30))
        for bucket in ExecutionTimeSeries.Bucket.allCases {
            let series = try store.timeSeries(filter, bucket: bucket)
            #expect(series.points.reduce(0) { $0 + $1.executions } == 89)
            #expect(series.points.first?.p50ExecutionTimeMs != nil)
        }
    }
}
