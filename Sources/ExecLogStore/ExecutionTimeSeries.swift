import ExecLogModel

/// Executions, tokens, errors, cost and latency per hour or per day, in total, by provider, by usage type
/// and (cost) by model:
/// what the dashboard's
/// charts draw. Buckets are UTC hours or days; a bucket without executions is absent (callers fill gaps).
public struct ExecutionTimeSeries: Sendable, Equatable {
    public enum Bucket: String, Sendable, CaseIterable {
        case hour
        case day

        /// How many leading characters of `created_at` name the bucket: `2026-11-27T10` or `2026-11-27`.
        var prefixLength: Int { self == .hour ? 13 : 10 }

        /// The rest of a `created_at` at the bucket's start, appended to its prefix.
        var startSuffix: String { self == .hour ? ":00:00.000Z" : "T00:00:00.000Z" }
    }

    /// Totals of one provider within a bucket.
    public struct ProviderTotals: Sendable, Equatable {
        public var executions = 0
        public var tokens = 0
        public var errors = 0
        /// The known costs' sum, nanodollars; `unpricedExecutions` are not in it.
        public var costNanoUSD = 0
        public var unpricedExecutions = 0

        public init(executions: Int = 0, tokens: Int = 0, errors: Int = 0, costNanoUSD: Int = 0, unpricedExecutions: Int = 0) {
            self.executions = executions
            self.tokens = tokens
            self.errors = errors
            self.costNanoUSD = costNanoUSD
            self.unpricedExecutions = unpricedExecutions
        }

        mutating func add(_ other: ProviderTotals) {
            executions = executions.saturatingAdd(other.executions)
            tokens = tokens.saturatingAdd(other.tokens)
            errors = errors.saturatingAdd(other.errors)
            costNanoUSD = costNanoUSD.saturatingAdd(other.costNanoUSD)
            unpricedExecutions = unpricedExecutions.saturatingAdd(other.unpricedExecutions)
        }
    }

    /// One bucket. `tokens` count as in `ExecutionStats.totalTokens` (total_tokens, else input + output).
    public struct Point: Sendable, Equatable {
        /// The bucket's first instant, in the store's `created_at` form (`2026-11-27T10:00:00.000Z`).
        public var start: String
        public var executions = 0
        public var inputTokens = 0
        public var outputTokens = 0
        public var totalTokens = 0
        public var errors = 0
        public var costNanoUSD = 0
        public var unpricedExecutions = 0
        public var byProvider: [String: ProviderTotals] = [:]
        /// The same totals by usage type.
        public var byUsageType: [String: ProviderTotals] = [:]
        /// Latency percentiles of the bucket's executions with a duration, within 1 % (`LatencyHistogram`).
        public var p50ExecutionTimeMs: Int?
        public var p95ExecutionTimeMs: Int?
        /// The cost of each model's executions in the bucket, nanodollars, and its unpriced executions
        /// (only the models that have any).
        public var costByModel: [String: Int] = [:]
        public var unpricedByModel: [String: Int] = [:]

        public init(start: String) { self.start = start }
    }

    public var bucket: Bucket
    /// Oldest first.
    public var points: [Point]

    public init(bucket: Bucket, points: [Point] = []) {
        self.bucket = bucket
        self.points = points
    }
}
