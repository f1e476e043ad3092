/// The token counts a model call reports, as recorded in an execution.
public struct ModelUsage: Sendable, Hashable {
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// Input tokens served from the provider's prompt cache (billed less).
    public var cachedInputTokens: Int?
    /// As reported, or else input + output when both are known.
    public var totalTokens: Int?

    public init(
        inputTokens: Int? = nil, outputTokens: Int? = nil, cachedInputTokens: Int? = nil, totalTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.totalTokens = totalTokens ?? inputTokens.flatMap { input in outputTokens.map { input + $0 } }
    }
}
