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
    /// Mean over the executions that report a duration; nil when none does.
    public var avgExecutionTimeMs: Double?

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
    }
}
