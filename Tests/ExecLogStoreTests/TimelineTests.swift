import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Testing

/// Traces and sessions as timelines, and the top values of a dimension (`stats --by`).
@Suite struct TimelineTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func call(_ secondsIn: Double, trace: String?, session: String? = "s-1", user: String? = "u-1", ms: Int,
                     model: String = "gpt-5", failed: Bool = false, tags: [String] = [], tokens: Int = 100) -> Execution {
        Execution(
            id: .v7(at: start.addingTimeInterval(secondsIn)), usageType: "agent",
            inputMessages: [["role": "user", "content": "step"]], responseContent: failed ? nil : "done",
            inputTokens: tokens, outputTokens: tokens / 2, totalTokens: tokens + tokens / 2, provider: "openai",
            modelName: model, errorMessage: failed ? "overloaded" : nil, executionTimeMs: ms,
            createdAt: start.addingTimeInterval(secondsIn), traceID: trace, sessionID: session, userID: user, tags: tags)
    }

    /// A session of two traces (one with parallel calls and an error), a call without a trace, other users.
    static let calls: [Execution] = [
        call(0, trace: "t-a", ms: 1_000),
        call(0.5, trace: "t-a", ms: 2_500, model: "claude-sonnet-4-5", tags: ["tool", "retry"]),
        call(0.5, trace: "t-a", ms: 300, failed: true, tags: ["retry"]),
        call(10, trace: "t-b", ms: 400, tokens: 1_000),
        call(12, trace: nil, ms: 100, tags: ["tool"]),
        call(20, trace: "t-c", session: "s-2", user: "u-2", ms: 50, tokens: 10),
        call(21, trace: "t-d", session: nil, user: "u-3", ms: 5_000, tokens: 5),
    ]

    static func makeStore() throws -> (TemporaryFolder, ExecutionStore) {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.insert(calls.shuffled())
        return (folder, store)
    }

    @Test func aTraceIsItsCallsInTimeOrderOnOneLine() throws {
        let (folder, store) = try Self.makeStore()
        defer { withExtendedLifetime(folder) {} }
        let trace = try store.timeline(.trace, id: "t-a")
        let expected = Self.calls[0..<3].sorted { ($0.createdAt, $0.idString) < ($1.createdAt, $1.idString) }
        #expect(trace.entries.map(\.execution.id) == expected.map(\.idString))
        #expect(trace.entries.map(\.startOffsetMs) == [0, 500, 500])
        #expect(trace.start == Self.start)
        #expect(trace.spanMs == 3_000, "the longest call ends 3 s after the start")
        #expect(trace.totals.executions == 3 && trace.totals.errors == 1)
        #expect(trace.totals.totalTokens == 450)
        #expect(trace.totals.executionTimeMs == 3_800)
        #expect(!trace.truncated)
        #expect(try store.timeline(.trace, id: "t-a", limit: 2).truncated)
        #expect(try store.timeline(.trace, id: "nope").entries.isEmpty)
    }

    @Test func aSessionHoldsItsTracesAndItsLooseCalls() throws {
        let (folder, store) = try Self.makeStore()
        defer { withExtendedLifetime(folder) {} }
        let session = try store.timeline(.session, id: "s-1")
        #expect(session.entries.count == 5)
        #expect(Set(session.entries.compactMap(\.execution.traceID)) == ["t-a", "t-b"])
        #expect(session.entries.last?.startOffsetMs == 12_000)
        #expect(session.spanMs == 12_100)
    }

    @Test func theJSONFormHasEveryKey() throws {
        let (folder, store) = try Self.makeStore()
        defer { withExtendedLifetime(folder) {} }
        let data = try JSONEncoder().encode(try store.timeline(.trace, id: "t-b"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["kind", "id", "start", "span_ms", "truncated", "totals", "executions"])
        let entry = try #require((object["executions"] as? [[String: Any]])?.first)
        #expect(entry["start_offset_ms"] as? Int == 0)
        #expect(entry["trace_id"] as? String == "t-b")
        #expect(entry["session_id"] as? String == "s-1")
    }

    @Test func topValuesByEachDimensionAndMeasure() throws {
        let (folder, store) = try Self.makeStore()
        defer { withExtendedLifetime(folder) {} }
        let users = try store.breakdown(.user)
        #expect(users.entries.map(\.key) == ["u-1", "u-2", "u-3"])
        #expect(users.entries.map(\.executions) == [5, 1, 1])
        #expect(users.distinctValues == 3)
        #expect(try store.breakdown(.user, by: .time).entries.map(\.key) == ["u-3", "u-1", "u-2"])
        #expect(try store.breakdown(.user, by: .tokens, limit: 1).entries.map(\.key) == ["u-1"])
        let traces = try store.breakdown(.trace, by: .tokens)
        #expect(traces.entries.first?.key == "t-b" && traces.entries.first?.totalTokens == 1_500)
        let tags = try store.breakdown(.tag)
        #expect(tags.entries.map(\.key) == ["retry", "tool"])
        #expect(tags.entries.map(\.executions) == [2, 2])
        #expect(tags.entries.first?.errors == 1)
        let sessions = try store.breakdown(.session, ExecutionFilter(status: .error))
        #expect(sessions.entries.map(\.key) == ["s-1"] && sessions.entries.map(\.executions) == [1])
        let models = try store.breakdown(.model)
        #expect(models.entries.map(\.key) == ["gpt-5", "claude-sonnet-4-5"])
        #expect(models.entries.map(\.executions) == [6, 1])
        #expect(try store.breakdown(.provider).entries.map(\.executionTimeMs) == [9_350])
        #expect(try store.breakdown(.usageType, ExecutionFilter(userID: "u-1")).entries.map(\.executions) == [5])
    }

    @Test func statsWithATraceFilterSumItsRows() throws {
        let (folder, store) = try Self.makeStore()
        defer { withExtendedLifetime(folder) {} }
        let stats = try store.stats(ExecutionFilter(traceID: "t-a"))
        #expect(stats.totalExecutions == 3 && stats.errorCount == 1)
        #expect(try store.stats(ExecutionFilter(tag: "tool")).totalExecutions == 2)
        #expect(try store.stats(ExecutionFilter(userID: "u-2")).totalTokens == 15)
        let series = try store.timeSeries(ExecutionFilter(sessionID: "s-1"), bucket: .hour)
        #expect(series.points.map(\.executions).reduce(0, +) == 5)
    }
}
