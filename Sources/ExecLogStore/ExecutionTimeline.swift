import ExecLogModel
import Foundation

/// The executions of one trace or session in time order, placed on a common time line: what
/// `execlog trace` and `execlog session` draw and the page shows (docs/SEARCH.md).
public struct ExecutionTimeline: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case trace
        case session
    }

    public struct Entry: Sendable, Equatable {
        public var execution: ExecutionSummary
        /// From the timeline's start to this execution's `created_at` (when the call was made).
        public var startOffsetMs: Int
    }

    public var kind: Kind
    public var id: String
    /// In time order (`created_at`, then id).
    public var entries: [Entry]
    /// True when the trace has more executions than the timeline holds (`ExecutionStore.timelineLimit`).
    public var truncated: Bool
    /// The first execution's `created_at`; nil for an empty timeline.
    public var start: Date?
    /// From the start to the latest end (`created_at` + duration) of any execution.
    public var spanMs: Int
    public var totals: Totals

    public struct Totals: Sendable, Equatable {
        public var executions = 0
        public var errors = 0
        public var inputTokens = 0
        public var outputTokens = 0
        public var totalTokens = 0
        /// The summed duration of the calls (parallel calls overlap: it may exceed the span).
        public var executionTimeMs = 0
        public var costNanoUSD = 0
        public var unpricedExecutions = 0
    }

    /// Places `executions` (in time order) on the line. A row whose time cannot be read (edited by hand)
    /// is placed at the start.
    public init(kind: Kind, id: String, executions: [ExecutionSummary], truncated: Bool) {
        self.kind = kind
        self.id = id
        self.truncated = truncated
        let times = executions.map { Timestamp.parse($0.createdAt) }
        let start = times.compactMap { $0 }.min()
        self.start = start
        var totals = Totals()
        var end = 0
        entries = zip(executions, times).map { execution, time in
            let offset = max(0, Int(((time ?? start ?? Date()).timeIntervalSince(start ?? Date()) * 1000).rounded()))
            end = max(end, offset.saturatingAdd(execution.executionTimeMs ?? 0))
            totals.executions += 1
            if execution.isError { totals.errors += 1 }
            totals.inputTokens = totals.inputTokens.saturatingAdd(execution.inputTokens ?? 0)
            totals.outputTokens = totals.outputTokens.saturatingAdd(execution.outputTokens ?? 0)
            totals.totalTokens = totals.totalTokens.saturatingAdd(
                execution.totalTokens ?? (execution.inputTokens ?? 0).saturatingAdd(execution.outputTokens ?? 0))
            totals.executionTimeMs = totals.executionTimeMs.saturatingAdd(execution.executionTimeMs ?? 0)
            if let cost = execution.costNanoUSD {
                totals.costNanoUSD = totals.costNanoUSD.saturatingAdd(cost)
            } else {
                totals.unpricedExecutions += 1
            }
            return Entry(execution: execution, startOffsetMs: offset)
        }
        spanMs = end
        self.totals = totals
    }
}

/// The JSON form of `execlog trace --json` and `GET /api/v1/traces/{id}`: snake_case keys, every key present.
extension ExecutionTimeline: Encodable {
    enum CodingKeys: String, CodingKey {
        case kind, id, executions, truncated, start, totals
        case spanMs = "span_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind.rawValue, forKey: .kind)
        try container.encode(id, forKey: .id)
        try container.encode(start.map(Timestamp.format), forKey: .start)
        try container.encode(spanMs, forKey: .spanMs)
        try container.encode(truncated, forKey: .truncated)
        try container.encode(totals, forKey: .totals)
        try container.encode(entries, forKey: .executions)
    }
}

extension ExecutionTimeline.Entry: Encodable {
    /// The execution's summary with its `start_offset_ms`.
    public func encode(to encoder: any Encoder) throws {
        try execution.encode(to: encoder)
        var container = encoder.container(keyedBy: OffsetKey.self)
        try container.encode(startOffsetMs, forKey: .startOffsetMs)
    }

    enum OffsetKey: String, CodingKey {
        case startOffsetMs = "start_offset_ms"
    }
}

extension ExecutionTimeline.Totals: Encodable {
    enum CodingKeys: String, CodingKey {
        case executions, errors
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case totalTokens = "total_tokens"
        case executionTimeMs = "execution_time_ms"
        case costNanoUSD = "cost_nano_usd"
        case unpricedExecutions = "unpriced_executions"
    }
}
