import Foundation

/// One AI model execution: a single call a worker process made to a model.
///
/// The field names of its JSON form and of the store's columns are the same snake_case names
/// (`usage_type`, `input_tokens`, …); both are public contracts (docs/PROTOCOL.md, docs/STORE.md).
/// An execution whose `errorMessage` is not nil is a failed one.
public struct Execution: Sendable, Hashable {
    /// Client-generated, time-ordered (UUIDv7): a resend of the same execution never makes a second row.
    public var id: UUID
    public var aiModelID: UUID?
    /// What the call was for (e.g. `interview`, `commit_generation`): the main axis of cost reports.
    public var usageType: String
    /// The conversation sent to the model: a JSON array, usually of `{"role": …, "content": …}` objects.
    public var inputMessages: JSONValue
    public var systemPrompt: String?
    public var responseContent: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var totalTokens: Int?
    public var provider: String
    public var modelName: String
    public var temperature: Double?
    public var maxTokens: Int?
    /// Free-form JSON object for whatever else the caller wants to keep.
    public var executionMetadata: JSONValue?
    public var errorMessage: String?
    public var executionTimeMs: Int?
    public var createdAt: Date
    public var traceID: String?
    public var sessionID: String?
    public var userID: String?
    public var tags: [String]
    /// Part of `inputTokens` read from the provider's prompt cache (docs/PROTOCOL.md, "Usage").
    public var cachedInputTokens: Int?
    public var finishReason: String?
    public var timeToFirstTokenMs: Int?
    /// Part of `inputTokens` written to the provider's prompt cache (Anthropic's cache writes).
    public var cacheCreationInputTokens: Int?
    /// Part of `outputTokens` spent on reasoning.
    public var reasoningTokens: Int?
    /// What the call cost in USD as the caller knows it (a gateway's billed amount): kept as given,
    /// it wins over the cost execlog computes from its prices.
    public var costUSD: Double?

    public init(
        id: UUID = .v7(),
        aiModelID: UUID? = nil,
        usageType: String,
        inputMessages: JSONValue = .array([]),
        systemPrompt: String? = nil,
        responseContent: String? = nil,
        inputTokens: Int? = nil,
        outputTokens: Int? = nil,
        totalTokens: Int? = nil,
        provider: String,
        modelName: String,
        temperature: Double? = nil,
        maxTokens: Int? = nil,
        executionMetadata: JSONValue? = nil,
        errorMessage: String? = nil,
        executionTimeMs: Int? = nil,
        createdAt: Date = Date(),
        traceID: String? = nil,
        sessionID: String? = nil,
        userID: String? = nil,
        tags: [String] = [],
        cachedInputTokens: Int? = nil,
        finishReason: String? = nil,
        timeToFirstTokenMs: Int? = nil,
        cacheCreationInputTokens: Int? = nil,
        reasoningTokens: Int? = nil,
        costUSD: Double? = nil
    ) {
        self.id = id
        self.aiModelID = aiModelID
        self.usageType = usageType
        self.inputMessages = inputMessages
        self.systemPrompt = systemPrompt
        self.responseContent = responseContent
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
        self.provider = provider
        self.modelName = modelName
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.executionMetadata = executionMetadata
        self.errorMessage = errorMessage
        self.executionTimeMs = executionTimeMs
        self.createdAt = createdAt
        self.traceID = traceID
        self.sessionID = sessionID
        self.userID = userID
        self.tags = tags
        self.cachedInputTokens = cachedInputTokens
        self.finishReason = finishReason
        self.timeToFirstTokenMs = timeToFirstTokenMs
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.reasoningTokens = reasoningTokens
        self.costUSD = costUSD
    }

    public var isError: Bool { errorMessage != nil }

    /// `total_tokens` as the store keeps and counts it: the total the caller gave (kept as given, even
    /// when it differs from the sum), else the sum of the input and output tokens it gave, nil when it gave
    /// none of the three (docs/PROTOCOL.md §3).
    public var totalTokensOrSum: Int? {
        if let totalTokens { return totalTokens }
        guard inputTokens != nil || outputTokens != nil else { return nil }
        let (sum, overflow) = (inputTokens ?? 0).addingReportingOverflow(outputTokens ?? 0)
        return overflow ? Int.max : sum
    }

    /// Canonical lowercase form of the id, as stored and sent on the wire.
    public var idString: String { id.canonicalString }
}
