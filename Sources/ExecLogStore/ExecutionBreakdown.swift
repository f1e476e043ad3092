/// The top values of one dimension (`stats --by user`): executions, errors, tokens, time and cost of
/// each, largest first by the chosen measure.
public struct ExecutionBreakdown: Sendable, Equatable {
    public enum Dimension: String, Sendable, CaseIterable {
        case user, session, trace, tag, model, provider
        case usageType = "usage-type"

        /// The column of a dimension the rows are grouped by (tags: each of the row's tags).
        var column: String? {
            switch self {
            case .user: "user_id"
            case .session: "session_id"
            case .trace: "trace_id"
            case .tag: nil
            case .model: "model_name"
            case .provider: "provider"
            case .usageType: "usage_type"
            }
        }
    }

    public enum Measure: String, Sendable, CaseIterable {
        case executions, tokens, time, cost
    }

    public struct Entry: Sendable, Equatable {
        public var key: String
        public var executions = 0
        public var errors = 0
        public var totalTokens = 0
        /// Summed duration of the calls.
        public var executionTimeMs = 0
        public var costNanoUSD = 0
        public var unpricedExecutions = 0

        public init(key: String) {
            self.key = key
        }

        func value(_ measure: Measure) -> Int {
            switch measure {
            case .executions: executions
            case .tokens: totalTokens
            case .time: executionTimeMs
            case .cost: costNanoUSD
            }
        }
    }

    public var dimension: Dimension
    public var measure: Measure
    /// Largest first; ties by key.
    public var entries: [Entry]
    /// How many distinct values there are in all (entries holds at most the limit asked).
    public var distinctValues: Int

    /// The top `limit` of `all` by `measure`.
    init(dimension: Dimension, measure: Measure, all: [Entry], limit: Int) {
        self.dimension = dimension
        self.measure = measure
        distinctValues = all.count
        entries = Array(
            all.sorted { ($0.value(measure), $1.key) > ($1.value(measure), $0.key) }.prefix(limit))
    }
}

/// The JSON form of `execlog stats --by … --json` and `GET /api/v1/ai-executions/breakdown`.
extension ExecutionBreakdown: Encodable {
    enum CodingKeys: String, CodingKey {
        case by, sort, entries
        case distinctValues = "distinct_values"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dimension.rawValue, forKey: .by)
        try container.encode(measure.rawValue, forKey: .sort)
        try container.encode(distinctValues, forKey: .distinctValues)
        try container.encode(entries, forKey: .entries)
    }
}

extension ExecutionBreakdown.Entry: Encodable {
    enum CodingKeys: String, CodingKey {
        case key, executions, errors
        case totalTokens = "total_tokens"
        case executionTimeMs = "execution_time_ms"
        case costNanoUSD = "cost_nano_usd"
        case unpricedExecutions = "unpriced_executions"
    }
}
