import ExecLog
import Testing

/// Each provider's usage, mapped to execlog's meaning (docs/PROTOCOL.md, "Usage"): input counts the
/// whole prompt, cached reads and cache writes are parts of it; output counts every generated token.
@Suite struct ModelUsageTests {
    @Test func openAIsPromptTokensAlreadyHoldTheCachedOnes() {
        let usage = ModelUsage.openAI(promptTokens: 9_000, completionTokens: 1_500, cachedTokens: 6_000, reasoningTokens: 1_000)
        #expect(usage.inputTokens == 9_000 && usage.cachedInputTokens == 6_000)
        #expect(usage.outputTokens == 1_500 && usage.reasoningTokens == 1_000)
        #expect(usage.totalTokens == 10_500)
    }

    @Test func anthropicsInputTokensLeaveOutCacheReadsAndWrites() {
        let usage = ModelUsage.anthropic(
            inputTokens: 1_200, outputTokens: 800, cacheReadInputTokens: 30_000, cacheCreationInputTokens: 2_000)
        #expect(usage.inputTokens == 33_200)
        #expect(usage.cachedInputTokens == 30_000 && usage.cacheCreationInputTokens == 2_000)
        #expect(usage.totalTokens == 34_000)
        #expect(ModelUsage.anthropic(inputTokens: nil, outputTokens: nil).inputTokens == nil, "nothing reported stays nothing")
    }

    @Test func geminisThoughtsAreOutputBesideTheCandidates() {
        let usage = ModelUsage.gemini(
            promptTokenCount: 4_000, candidatesTokenCount: 300, cachedContentTokenCount: 1_000, thoughtsTokenCount: 700,
            totalTokenCount: 5_000)
        #expect(usage.inputTokens == 4_000 && usage.cachedInputTokens == 1_000)
        #expect(usage.outputTokens == 1_000 && usage.reasoningTokens == 700)
        #expect(usage.totalTokens == 5_000)
    }
}
