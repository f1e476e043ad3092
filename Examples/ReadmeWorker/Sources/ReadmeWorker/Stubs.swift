// The user's own code around the README's example: a model client and its input.

struct Reply: Sendable {
    /// As Anthropic's Messages API reports it.
    struct Usage: Sendable {
        var inputTokens: Int
        var outputTokens: Int
        var cacheReadInputTokens: Int?
        var cacheCreationInputTokens: Int?
    }

    var text: String
    var usage: Usage
}

struct AnthropicClient: Sendable {
    func complete(_ prompt: String) async throws -> Reply {
        Reply(
            text: "feat: log every model call",
            usage: .init(inputTokens: 12, outputTokens: 6, cacheReadInputTokens: 1_800, cacheCreationInputTokens: 0))
    }
}

let anthropic = AnthropicClient()
let diff = "+ log.record(execution)"
