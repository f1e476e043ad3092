// The user's own code around the README's example: a model client and its input.

struct Reply: Sendable {
    var text: String
    var inputTokens: Int
    var outputTokens: Int
}

struct AnthropicClient: Sendable {
    func complete(_ prompt: String) async throws -> Reply {
        Reply(text: "feat: log every model call", inputTokens: 12, outputTokens: 6)
    }
}

let anthropic = AnthropicClient()
let diff = "+ log.record(execution)"
