/// Totals and breakdowns over the executions that match a filter.
///
/// The first seven names are the original design's; the rest are what a cost and reliability
/// review also needs. JSON keys are these snake_case names (`execlog stats --json`, the REST API).
public struct ExecutionStats: Sendable, Equatable, Codable {
    public var totalExecutions: Int = 0
    public var totalInputTokens: Int = 0
    public var totalOutputTokens: Int = 0
    public var totalTokens: Int = 0
    public var executionsByProvider: [String: Int] = [:]
    public var executionsByUsageType: [String: Int] = [:]
    /// Mean over the executions that report a duration, to the hundredth of a millisecond
    /// (``average(sum:count:)``); nil when none does.
    public var avgExecutionTimeMs: Double?

    /// The one rounding of an average duration, filtered or not: half away from zero, to 0.01 ms.
    public static func average(sum: Int, count: Int) -> Double {
        (Double(sum) / Double(count) * 100).rounded(.toNearestOrAwayFromZero) / 100
    }

    public var executionsByModel: [String: Int] = [:]
    public var tokensByProvider: [String: Int] = [:]
    public var tokensByUsageType: [String: Int] = [:]
    public var tokensByModel: [String: Int] = [:]
    public var errorCount: Int = 0
    /// errorCount / totalExecutions, 0 when there are none.
    public var errorRate: Double = 0
    /// Nearest-rank percentiles of execution_time_ms.
    public var p50ExecutionTimeMs: Int?
    public var p95ExecutionTimeMs: Int?
    public var p99ExecutionTimeMs: Int?

    /// Cost (docs/COST.md), in nanodollars: integers, so that totals are exact. The executions whose
    /// cost is unknown are not in these sums; they are counted in `unpricedExecutions`, never as $0.
    public var totalCostNanoUSD: Int = 0
    /// What the failed calls cost (their tokens were billed).
    public var errorCostNanoUSD: Int = 0
    public var unpricedExecutions: Int = 0
    public var costByProvider: [String: Int] = [:]
    public var costByUsageType: [String: Int] = [:]
    public var costByModel: [String: Int] = [:]
    /// The unpriced executions of each provider, usage type and model that has any.
    public var unpricedByProvider: [String: Int] = [:]
    public var unpricedByUsageType: [String: Int] = [:]
    public var unpricedByModel: [String: Int] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case totalExecutions = "total_executions"
        case totalInputTokens = "total_input_tokens"
        case totalOutputTokens = "total_output_tokens"
        case totalTokens = "total_tokens"
        case executionsByProvider = "executions_by_provider"
        case executionsByUsageType = "executions_by_usage_type"
        case avgExecutionTimeMs = "avg_execution_time_ms"
        case executionsByModel = "executions_by_model"
        case tokensByProvider = "tokens_by_provider"
        case tokensByUsageType = "tokens_by_usage_type"
        case tokensByModel = "tokens_by_model"
        case errorCount = "error_count"
        case errorRate = "error_rate"
        case p50ExecutionTimeMs = "p50_execution_time_ms"
        case p95ExecutionTimeMs = "p95_execution_time_ms"
        case p99ExecutionTimeMs = "p99_execution_time_ms"
        case totalCostNanoUSD = "total_cost_nano_usd"
        case totalCostUSD = "total_cost_usd"
        case errorCostNanoUSD = "error_cost_nano_usd"
        case unpricedExecutions = "unpriced_executions"
        case costByProvider = "cost_nano_usd_by_provider"
        case costByUsageType = "cost_nano_usd_by_usage_type"
        case costByModel = "cost_nano_usd_by_model"
        case unpricedByProvider = "unpriced_executions_by_provider"
        case unpricedByUsageType = "unpriced_executions_by_usage_type"
        case unpricedByModel = "unpriced_executions_by_model"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        totalExecutions = try container.decode(Int.self, forKey: .totalExecutions)
        totalInputTokens = try container.decode(Int.self, forKey: .totalInputTokens)
        totalOutputTokens = try container.decode(Int.self, forKey: .totalOutputTokens)
        totalTokens = try container.decode(Int.self, forKey: .totalTokens)
        executionsByProvider = try container.decode([String: Int].self, forKey: .executionsByProvider)
        executionsByUsageType = try container.decode([String: Int].self, forKey: .executionsByUsageType)
        avgExecutionTimeMs = try container.decodeIfPresent(Double.self, forKey: .avgExecutionTimeMs)
        executionsByModel = try container.decode([String: Int].self, forKey: .executionsByModel)
        tokensByProvider = try container.decode([String: Int].self, forKey: .tokensByProvider)
        tokensByUsageType = try container.decode([String: Int].self, forKey: .tokensByUsageType)
        tokensByModel = try container.decode([String: Int].self, forKey: .tokensByModel)
        errorCount = try container.decode(Int.self, forKey: .errorCount)
        errorRate = try container.decode(Double.self, forKey: .errorRate)
        p50ExecutionTimeMs = try container.decodeIfPresent(Int.self, forKey: .p50ExecutionTimeMs)
        p95ExecutionTimeMs = try container.decodeIfPresent(Int.self, forKey: .p95ExecutionTimeMs)
        p99ExecutionTimeMs = try container.decodeIfPresent(Int.self, forKey: .p99ExecutionTimeMs)
        totalCostNanoUSD = try container.decodeIfPresent(Int.self, forKey: .totalCostNanoUSD) ?? 0
        errorCostNanoUSD = try container.decodeIfPresent(Int.self, forKey: .errorCostNanoUSD) ?? 0
        unpricedExecutions = try container.decodeIfPresent(Int.self, forKey: .unpricedExecutions) ?? 0
        costByProvider = try container.decodeIfPresent([String: Int].self, forKey: .costByProvider) ?? [:]
        costByUsageType = try container.decodeIfPresent([String: Int].self, forKey: .costByUsageType) ?? [:]
        costByModel = try container.decodeIfPresent([String: Int].self, forKey: .costByModel) ?? [:]
        unpricedByProvider = try container.decodeIfPresent([String: Int].self, forKey: .unpricedByProvider) ?? [:]
        unpricedByUsageType = try container.decodeIfPresent([String: Int].self, forKey: .unpricedByUsageType) ?? [:]
        unpricedByModel = try container.decodeIfPresent([String: Int].self, forKey: .unpricedByModel) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        // Absent percentiles and average are written as null, not left out: the keys are a contract.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(totalExecutions, forKey: .totalExecutions)
        try container.encode(totalInputTokens, forKey: .totalInputTokens)
        try container.encode(totalOutputTokens, forKey: .totalOutputTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        try container.encode(executionsByProvider, forKey: .executionsByProvider)
        try container.encode(executionsByUsageType, forKey: .executionsByUsageType)
        try container.encode(avgExecutionTimeMs, forKey: .avgExecutionTimeMs)
        try container.encode(executionsByModel, forKey: .executionsByModel)
        try container.encode(tokensByProvider, forKey: .tokensByProvider)
        try container.encode(tokensByUsageType, forKey: .tokensByUsageType)
        try container.encode(tokensByModel, forKey: .tokensByModel)
        try container.encode(errorCount, forKey: .errorCount)
        try container.encode(errorRate, forKey: .errorRate)
        try container.encode(p50ExecutionTimeMs, forKey: .p50ExecutionTimeMs)
        try container.encode(p95ExecutionTimeMs, forKey: .p95ExecutionTimeMs)
        try container.encode(p99ExecutionTimeMs, forKey: .p99ExecutionTimeMs)
        try container.encode(totalCostNanoUSD, forKey: .totalCostNanoUSD)
        try container.encode(Double(totalCostNanoUSD) / 1e9, forKey: .totalCostUSD)
        try container.encode(errorCostNanoUSD, forKey: .errorCostNanoUSD)
        try container.encode(unpricedExecutions, forKey: .unpricedExecutions)
        try container.encode(costByProvider, forKey: .costByProvider)
        try container.encode(costByUsageType, forKey: .costByUsageType)
        try container.encode(costByModel, forKey: .costByModel)
        try container.encode(unpricedByProvider, forKey: .unpricedByProvider)
        try container.encode(unpricedByUsageType, forKey: .unpricedByUsageType)
        try container.encode(unpricedByModel, forKey: .unpricedByModel)
    }
}
