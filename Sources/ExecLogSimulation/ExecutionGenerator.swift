import ExecLogModel
import Foundation

/// Makes executions that look like a real worker fleet's: the usage types and models of the original
/// system, plausible token counts and latencies, ~3% errors, shared system prompts, multi-turn
/// conversations, unicode, and now and then a large prompt.
public struct ExecutionGenerator: Sendable {
    public struct Options: Sendable {
        /// Share of executions that fail (non-null error_message).
        public var errorRatio: Double = 0.03
        /// Approximate size in bytes of the user message content; the JSON event is a few hundred bytes more.
        public var payloadBytes: Int = 1_000
        /// Share of executions whose prompt is 50 times larger than `payloadBytes`.
        public var largePromptRatio: Double = 0.002
        /// When > 0, every execution carries one and the same system prompt of about this many bytes, in
        /// place of the short per-usage-type ones: how much a prompt repeated in every row costs the store.
        public var repeatedSystemPromptBytes: Int = 0
        public init() {}
    }

    public static let usageTypes = ["interview", "prompt_generation", "task_execution", "commit_generation", "general"]
    public static let models: [(provider: String, model: String)] = [
        ("anthropic", "claude-sonnet-4-5"), ("anthropic", "claude-haiku-4-5"), ("anthropic", "claude-opus-4-1"),
        ("openai", "gpt-5"), ("openai", "gpt-5-mini"), ("openai", "gpt-4.1"),
        ("google", "gemini-2.5-pro"), ("google", "gemini-2.5-flash"),
    ]

    static let systemPrompts: [String: String] = [
        "interview": "You are a senior engineer interviewing a candidate. Ask one question at a time, follow up on vague answers, and never reveal the rubric.",
        "prompt_generation": "You write prompts for other models. Produce a single prompt that is specific, testable and free of ambiguity.",
        "task_execution": "You are an autonomous coding agent. Work in small verified steps, run the tests after each change, and report exactly what you did.",
        "commit_generation": "Write a conventional commit message for the diff below: a subject under 72 characters, a blank line, then the why.",
        "general": "You are a helpful assistant. Answer concisely.",
    ]

    static let phrases = [
        "Refactor the payment module so that retries are idempotent.",
        "Explain the trade-offs of write-ahead logging versus rollback journals.",
        "Résumé de la réunion : livraison prévue jeudi, risques identifiés côté base de données.",
        "日本語のドキュメントを英語に翻訳してください。",
        "Почему тест падает только на CI, а локально проходит?",
        "Add pagination to the /orders endpoint 🚀 and keep the cursor opaque.",
        "Summarise the incident: the queue filled, the workers blocked, latency rose to 4 s.",
        "Generate a commit message for: fix off-by-one in the batch splitter.",
    ]

    static let errors = [
        "rate_limit_error: Number of request tokens has exceeded your per-minute rate limit",
        "overloaded_error: Overloaded",
        "context_length_exceeded: This model's maximum context length is 200000 tokens",
        "timeout: request took longer than 60s",
        "invalid_request_error: messages: roles must alternate between \"user\" and \"assistant\"",
        "server_error: The server had an error while processing your request",
    ]

    public var options: Options
    private var random: SplitMix64
    /// Made once: the same text for every execution, whatever the seed.
    private let repeatedSystemPrompt: String?

    public init(seed: UInt64 = 42, options: Options = Options()) {
        self.options = options
        self.random = SplitMix64(seed: seed)
        repeatedSystemPrompt = options.repeatedSystemPromptBytes > 0
            ? Self.repeatedPrompt(bytes: options.repeatedSystemPromptBytes) : nil
    }

    /// The phrases in a fixed order, numbered so that the text does not repeat within itself (a
    /// store that compressed runs would otherwise make it look cheaper than a real prompt).
    static func repeatedPrompt(bytes: Int) -> String {
        var result = "You are the house assistant. Rules follow.\n"
        var rule = 0
        while result.utf8.count < bytes {
            rule += 1
            result += "\(rule). " + phrases[rule % phrases.count] + "\n"
        }
        return result
    }

    /// The next execution, created at `createdAt` (its id is a UUIDv7 of that time).
    public mutating func next(createdAt: Date = Date()) -> Execution {
        let usageType = Self.usageTypes[Int.random(in: 0..<Self.usageTypes.count, using: &random)]
        let (provider, model) = Self.models[Int.random(in: 0..<Self.models.count, using: &random)]
        let failed = Double.random(in: 0..<1, using: &random) < options.errorRatio
        let large = Double.random(in: 0..<1, using: &random) < options.largePromptRatio
        let turns = Int.random(in: 0...3, using: &random)
        var messages: [JSONValue] = []
        for turn in 0..<turns {
            messages.append(["role": "user", "content": .string(phrase())])
            messages.append(["role": "assistant", "content": .string("Answer \(turn + 1): " + phrase())])
        }
        let contentSize = large ? options.payloadBytes * 50 : options.payloadBytes
        messages.append(["role": "user", "content": .string(text(bytes: contentSize))])
        let inputTokens = max(1, contentSize / 4 + Int.random(in: 20...400, using: &random))
        // Log-uniform: most answers are short, a few are long.
        let outputTokens = failed ? 0 : Int(exp(Double.random(in: log(5)...log(1_500), using: &random)))
        // Latency grows with output (~100 tokens/s), with a long tail: what model calls look like.
        let base = Double(Int.random(in: 250...900, using: &random)) + Double(outputTokens) * 10
        let tail = Double.random(in: 0..<1, using: &random) < 0.02 ? Double.random(in: 2...6, using: &random) : 1
        let executionTime = min(Int(base * tail), 20_000)
        return Execution(
            id: UUID.v7(at: createdAt),
            usageType: usageType,
            inputMessages: .array(messages),
            systemPrompt: repeatedSystemPrompt ?? Self.systemPrompts[usageType],
            responseContent: failed ? nil : "Here is the result: " + phrase(),
            inputTokens: inputTokens,
            outputTokens: outputTokens,
            totalTokens: inputTokens + outputTokens,
            provider: provider,
            modelName: model,
            temperature: [0, 0.2, 0.7, 1][Int.random(in: 0..<4, using: &random)],
            maxTokens: [1_024, 4_096, 8_192][Int.random(in: 0..<3, using: &random)],
            executionMetadata: ["worker": .string("worker-\(Int.random(in: 1...16, using: &random))"), "attempt": 1],
            errorMessage: failed ? Self.errors[Int.random(in: 0..<Self.errors.count, using: &random)] : nil,
            executionTimeMs: executionTime,
            createdAt: createdAt,
            traceID: Self.hex16(random.next()) + Self.hex16(random.next()),
            sessionID: "session-\(Int.random(in: 1...5_000, using: &random))",
            userID: "user-\(Int.random(in: 1...500, using: &random))",
            tags: failed ? ["retry"] : [],
            cachedInputTokens: Bool.random(using: &random) ? inputTokens / 2 : 0,
            finishReason: failed ? nil : (outputTokens > 1_400 ? "length" : "stop"),
            timeToFirstTokenMs: failed ? nil : min(executionTime, Int.random(in: 150...800, using: &random)))
    }

    /// 16 lowercase hex digits (what `%016llx` writes, without Foundation's formatter, the generator's slowest step).
    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private mutating func phrase() -> String {
        Self.phrases[Int.random(in: 0..<Self.phrases.count, using: &random)]
    }

    /// Text of about `bytes` UTF-8 bytes made of the phrases (so it compresses like real prose, not noise).
    private mutating func text(bytes: Int) -> String {
        var result = ""
        while result.utf8.count < bytes {
            result += phrase()
            result += " "
        }
        return result
    }
}
