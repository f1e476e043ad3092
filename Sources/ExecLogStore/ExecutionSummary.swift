import Foundation

/// The fields a list shows: what the original page listed, plus the duration. No content, so that
/// a page of results never reads prompts or responses.
public struct ExecutionSummary: Sendable, Equatable, Codable {
    public var id: String
    public var usageType: String
    public var provider: String
    public var modelName: String
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var totalTokens: Int?
    public var errorMessage: String?
    public var createdAt: String
    public var executionTimeMs: Int?
    /// The cost in nanodollars; nil when unknown (`costSource` says why).
    public var costNanoUSD: Int?
    /// `price`, `caller`, `unpriced`, `no_usage`; nil for a row stored before costs and not repriced.
    public var costSource: String?
    public var traceID: String?
    public var sessionID: String?
    public var userID: String?
    /// For a search: the words around what matched. Nil in a plain list.
    public var snippet: SearchSnippet?

    public var isError: Bool { errorMessage != nil }

    enum CodingKeys: String, CodingKey {
        case id
        case usageType = "usage_type"
        case provider
        case modelName = "model_name"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case totalTokens = "total_tokens"
        case errorMessage = "error_message"
        case createdAt = "created_at"
        case executionTimeMs = "execution_time_ms"
        case costNanoUSD = "cost_nano_usd"
        case costSource = "cost_source"
        case traceID = "trace_id"
        case sessionID = "session_id"
        case userID = "user_id"
        case snippet
    }

    public func encode(to encoder: any Encoder) throws {
        // Every key always present, null when absent: simpler for the scripts that read it.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(usageType, forKey: .usageType)
        try container.encode(provider, forKey: .provider)
        try container.encode(modelName, forKey: .modelName)
        try container.encode(inputTokens, forKey: .inputTokens)
        try container.encode(outputTokens, forKey: .outputTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
        try container.encode(errorMessage, forKey: .errorMessage)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(executionTimeMs, forKey: .executionTimeMs)
        try container.encode(costNanoUSD, forKey: .costNanoUSD)
        try container.encode(costSource, forKey: .costSource)
        try container.encode(traceID, forKey: .traceID)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(userID, forKey: .userID)
        try container.encodeIfPresent(snippet, forKey: .snippet)
    }
}

/// One page of a list, newest first, and the cursor of the next page when there is one.
public struct ExecutionPage: Sendable, Equatable {
    public var executions: [ExecutionSummary]
    /// Whether more executions follow this page.
    public var hasMore: Bool
    /// Where the next page starts, in time order; nil at the end and in the other orders (which page by offset).
    public var nextCursor: ListCursor?

    public init(executions: [ExecutionSummary], hasMore: Bool, nextCursor: ListCursor?) {
        self.executions = executions
        self.hasMore = hasMore
        self.nextCursor = nextCursor
    }
}
