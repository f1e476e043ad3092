/// The token counts a model call reports, as recorded in an execution, in execlog's meaning
/// (docs/PROTOCOL.md, "Usage"): `inputTokens` counts every prompt token, the cached reads and the cache
/// writes among them; `outputTokens` every generated token, the reasoning among them. So no token is
/// billed twice. The provider initializers below map each provider's own fields to these.
public struct ModelUsage: Sendable, Hashable {
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// Part of `inputTokens` served from the provider's prompt cache (billed less).
    public var cachedInputTokens: Int?
    /// Part of `inputTokens` written to the provider's prompt cache (Anthropic bills these more).
    public var cacheCreationInputTokens: Int?
    /// Part of `outputTokens` spent on reasoning.
    public var reasoningTokens: Int?
    /// As reported, or else input + output when both are known.
    public var totalTokens: Int?
    /// What the call cost in USD when the caller knows it (a gateway's billed amount): it wins over the
    /// cost execlog computes.
    public var costUSD: Double?

    public init(
        inputTokens: Int? = nil, outputTokens: Int? = nil, cachedInputTokens: Int? = nil,
        cacheCreationInputTokens: Int? = nil, reasoningTokens: Int? = nil, totalTokens: Int? = nil,
        costUSD: Double? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.reasoningTokens = reasoningTokens
        self.totalTokens = totalTokens ?? inputTokens.flatMap { input in outputTokens.map { input + $0 } }
        self.costUSD = costUSD
    }

    /// OpenAI Chat Completions / Responses `usage`: `prompt_tokens` (`input_tokens`) already include
    /// `prompt_tokens_details.cached_tokens`, and `completion_tokens` include
    /// `completion_tokens_details.reasoning_tokens`.
    public static func openAI(
        promptTokens: Int?, completionTokens: Int?, cachedTokens: Int? = nil, reasoningTokens: Int? = nil,
        totalTokens: Int? = nil
    ) -> ModelUsage {
        ModelUsage(
            inputTokens: promptTokens, outputTokens: completionTokens, cachedInputTokens: cachedTokens,
            reasoningTokens: reasoningTokens, totalTokens: totalTokens)
    }

    /// Anthropic Messages `usage`: `input_tokens` are only the tokens after the last cache breakpoint;
    /// `cache_read_input_tokens` and `cache_creation_input_tokens` are counted apart, so all three add
    /// up to the prompt.
    public static func anthropic(
        inputTokens: Int?, outputTokens: Int?, cacheReadInputTokens: Int? = nil, cacheCreationInputTokens: Int? = nil
    ) -> ModelUsage {
        let parts = [inputTokens, cacheReadInputTokens, cacheCreationInputTokens].compactMap { $0 }
        return ModelUsage(
            inputTokens: parts.isEmpty ? nil : parts.reduce(0, +), outputTokens: outputTokens,
            cachedInputTokens: cacheReadInputTokens, cacheCreationInputTokens: cacheCreationInputTokens)
    }

    /// Google Gemini `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`;
    /// `candidatesTokenCount` excludes `thoughtsTokenCount`, which is billed as output too.
    public static func gemini(
        promptTokenCount: Int?, candidatesTokenCount: Int?, cachedContentTokenCount: Int? = nil,
        thoughtsTokenCount: Int? = nil, totalTokenCount: Int? = nil
    ) -> ModelUsage {
        let output = [candidatesTokenCount, thoughtsTokenCount].compactMap { $0 }
        return ModelUsage(
            inputTokens: promptTokenCount, outputTokens: output.isEmpty ? nil : output.reduce(0, +),
            cachedInputTokens: cachedContentTokenCount, reasoningTokens: thoughtsTokenCount, totalTokens: totalTokenCount)
    }
}
