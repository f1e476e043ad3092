import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Testing

@Suite struct QueryTests {
    let folder: TemporaryFolder
    let store: ExecutionStore
    let executions: [Execution]

    init() throws {
        folder = try TemporaryFolder()
        store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        executions = Fixtures.executions(1_200)
        try store.insert(executions)
    }

    /// What a filter should return, computed here without SQL: newest first.
    func expected(_ filter: ExecutionFilter) -> [String] {
        executions.filter { execution in
            (filter.usageType.map { execution.usageType == $0 } ?? true)
                && (filter.provider.map { execution.provider == $0 } ?? true)
                && (filter.modelName.map { execution.modelName == $0 } ?? true)
                && (filter.status.map { ($0 == .error) == execution.isError } ?? true)
                && (filter.from.map { execution.createdAt >= $0 } ?? true)
                && (filter.to.map { execution.createdAt < $0 } ?? true)
                && (filter.traceID.map { execution.traceID == $0 } ?? true)
                && (filter.sessionID.map { execution.sessionID == $0 } ?? true)
                && (filter.userID.map { execution.userID == $0 } ?? true)
                && (filter.tag.map { execution.tags.contains($0) } ?? true)
                && (filter.query.map { Self.says(execution, word: $0) } ?? true)
        }.sorted { ($0.createdAt, $0.idString) > ($1.createdAt, $1.idString) }.map(\.idString)
    }

    /// True when one of the texts the search index holds contains `word` (the generator's texts have
    /// no word that merely starts with the ones tested).
    static func says(_ execution: Execution, word: String) -> Bool {
        var texts = [execution.systemPrompt, execution.responseContent, execution.errorMessage].compactMap { $0 }
        if case .array(let messages) = execution.inputMessages {
            texts += messages.compactMap { $0["content"]?.stringValue }
        }
        return texts.contains { $0.lowercased().contains(word.lowercased()) }
    }

    /// Values the fixtures hold: a user with several executions, a session, a trace.
    static let sample = Fixtures.executions(1_200)[411]

    static let filters: [ExecutionFilter] = [
        ExecutionFilter(),
        ExecutionFilter(usageType: "interview"),
        ExecutionFilter(provider: "google"),
        ExecutionFilter(modelName: "gpt-5"),
        ExecutionFilter(status: .error),
        ExecutionFilter(status: .ok),
        ExecutionFilter(from: Fixtures.start.addingTimeInterval(3_600)),
        ExecutionFilter(to: Fixtures.start.addingTimeInterval(7_200)),
        ExecutionFilter(provider: "anthropic", status: .error),
        ExecutionFilter(usageType: "general", provider: "openai", from: Fixtures.start.addingTimeInterval(600)),
        ExecutionFilter(
            modelName: "claude-haiku-4-5", status: .ok, from: Fixtures.start.addingTimeInterval(60),
            to: Fixtures.start.addingTimeInterval(40_000)),
        ExecutionFilter(provider: "nobody"),
        ExecutionFilter(traceID: sample.traceID),
        ExecutionFilter(sessionID: sample.sessionID),
        ExecutionFilter(userID: sample.userID),
        ExecutionFilter(status: .ok, userID: sample.userID),
        ExecutionFilter(tag: "retry"),
        ExecutionFilter(provider: "openai", tag: "retry"),
        ExecutionFilter(tag: "nothing-has-it"),
        ExecutionFilter(query: "incident"),
        ExecutionFilter(provider: "google", query: "INCIDENT"),
        ExecutionFilter(to: Fixtures.start.addingTimeInterval(30_000), query: "payment"),
    ]

    @Test(arguments: filters)
    func listReturnsExactlyTheMatchingExecutionsNewestFirst(_ filter: ExecutionFilter) throws {
        let expected = expected(filter)
        let page = try store.list(filter, limit: 5_000)
        #expect(page.executions.map(\.id) == expected)
        #expect(page.nextCursor == nil)
        #expect(try store.count(filter) == expected.count)
    }

    @Test(arguments: filters)
    func cursorPagingWalksEveryRowOnceAndAgreesWithOffsets(_ filter: ExecutionFilter) throws {
        let expected = expected(filter)
        var seen: [String] = []
        var cursor: ListCursor?
        repeat {
            let page = try store.list(filter, limit: 37, after: cursor)
            let byOffset = try store.list(filter, limit: 37, offset: seen.count)
            #expect(page.executions == byOffset.executions)
            seen += page.executions.map(\.id)
            cursor = page.nextCursor
            if let cursor { #expect(try ListCursor(parsing: cursor.description) == cursor) }
        } while cursor != nil
        #expect(seen == expected)
    }

    /// A search is driven by the full-text index: its hits are sorted (docs/SEARCH.md).
    @Test(arguments: filters.filter { $0.query == nil })
    func noListQueryScansTheTable(_ filter: ExecutionFilter) throws {
        let cursor = ListCursor(createdAt: Timestamp.format(Fixtures.start.addingTimeInterval(30_000)), id: UUID.v7().uuidString.lowercased())
        for plan in [try store.listQueryPlan(filter), try store.listQueryPlan(filter, after: cursor)] {
            #expect(!plan.contains { $0.hasPrefix("SCAN ai_executions") && !$0.contains("INDEX") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE FOR ORDER BY") }, "\(plan)")
        }
    }

    @Test func findsByIdAndByUniquePrefix() throws {
        let target = executions[321]
        #expect(try store.execution(target.idString) == target)
        #expect(try store.execution(target.idString.uppercased()) == target)
        // UUIDv7s a minute apart differ within the first 12 characters.
        #expect(try store.execution(String(target.idString.prefix(13))) == target)
        #expect(throws: StoreError.executionNotFound("ffffffff")) { try store.execution("ffffffff") }
        #expect(throws: StoreError.invalidID("not-an-id!")) { try store.execution("not-an-id!") }
        let common = String(executions[0].idString.prefix(2))
        #expect(throws: StoreError.ambiguousPrefix(common, matches: 2)) { try store.execution(common) }
    }

    @Test func rejectsGarbageCursors() {
        #expect(throws: StoreError.invalidCursor("%%%")) { try ListCursor(parsing: "%%%") }
        #expect(throws: StoreError.self) { try ListCursor(parsing: "aGVsbG8") }  // "hello"
    }

    @Test(arguments: filters)
    func statsMatchNumbersComputedHere(_ filter: ExecutionFilter) throws {
        let ids = Set(expected(filter))
        let matching = executions.filter { ids.contains($0.idString) }
        let stats = try store.stats(filter)
        #expect(stats.totalExecutions == matching.count)
        #expect(stats.totalInputTokens == matching.reduce(0) { $0 + ($1.inputTokens ?? 0) })
        #expect(stats.totalOutputTokens == matching.reduce(0) { $0 + ($1.outputTokens ?? 0) })
        #expect(stats.totalTokens == matching.reduce(0) { $0 + ($1.totalTokens ?? 0) })
        #expect(stats.errorCount == matching.filter(\.isError).count)
        #expect(stats.executionsByProvider == Dictionary(grouping: matching, by: \.provider).mapValues(\.count))
        #expect(stats.executionsByUsageType == Dictionary(grouping: matching, by: \.usageType).mapValues(\.count))
        #expect(stats.executionsByModel == Dictionary(grouping: matching, by: \.modelName).mapValues(\.count))
        #expect(
            stats.tokensByModel
                == Dictionary(grouping: matching, by: \.modelName).mapValues { $0.reduce(0) { $0 + ($1.totalTokens ?? 0) } })
        let times = matching.compactMap(\.executionTimeMs).sorted()
        guard !times.isEmpty else {
            #expect(stats.avgExecutionTimeMs == nil && stats.p50ExecutionTimeMs == nil)
            return
        }
        let average = Double(times.reduce(0, +)) / Double(times.count)
        #expect(abs(try #require(stats.avgExecutionTimeMs) - average) <= 0.005 + 1e-9)
        #expect(try #require(stats.avgExecutionTimeMs) == (average * 100).rounded() / 100)
        func nearestRank(_ p: Double) -> Int { times[max(1, Int((Double(times.count) * p).rounded(.up))) - 1] }
        // Percentiles come from histograms with buckets under 1 % wide.
        func close(_ value: Int?, _ exact: Int) -> Bool { value.map { abs($0 - exact) <= exact / 100 + 1 } ?? false }
        #expect(close(stats.p50ExecutionTimeMs, nearestRank(0.50)))
        #expect(close(stats.p95ExecutionTimeMs, nearestRank(0.95)))
        #expect(close(stats.p99ExecutionTimeMs, nearestRank(0.99)))
        #expect(abs(stats.errorRate - Double(stats.errorCount) / Double(matching.count)) < 1e-12)
    }
}

extension ExecutionFilter: CustomTestStringConvertible {
    public var testDescription: String {
        [
            usageType, provider, modelName, status?.rawValue, from.map(Timestamp.format), to.map(Timestamp.format),
            traceID.map { "trace \($0)" }, sessionID.map { "session \($0)" }, userID.map { "user \($0)" },
            tag.map { "tag \($0)" }, query.map { "query \($0)" },
        ]
            .compactMap { $0 }.joined(separator: " ").nilIfEmpty ?? "no filter"
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
