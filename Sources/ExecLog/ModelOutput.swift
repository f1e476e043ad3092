/// A value of yours together with what `track` should record about the call that produced it.
///
///     let output = try await log.track(usageType: "general", provider: "openai", model: "gpt-5",
///                                      messages: [.user(question)]) {
///         let reply = try await client.chat(question)
///         return ModelOutput(reply, content: reply.text,
///                            usage: ModelUsage(inputTokens: reply.promptTokens, outputTokens: reply.completionTokens))
///     }
///     use(output.value)
public struct ModelOutput<Value>: ModelResponse {
    public var value: Value
    public var responseContent: String?
    public var usage: ModelUsage?
    public var finishReason: String?
    public var timeToFirstToken: Duration?

    public init(
        _ value: Value,
        content: String?,
        usage: ModelUsage? = nil,
        finishReason: String? = nil,
        timeToFirstToken: Duration? = nil
    ) {
        self.value = value
        self.responseContent = content
        self.usage = usage
        self.finishReason = finishReason
        self.timeToFirstToken = timeToFirstToken
    }
}

extension ModelOutput where Value == String {
    /// The common case: the value is the answer's text.
    public init(content: String, usage: ModelUsage? = nil, finishReason: String? = nil,
                timeToFirstToken: Duration? = nil) {
        self.init(content, content: content, usage: usage, finishReason: finishReason,
                  timeToFirstToken: timeToFirstToken)
    }
}

extension ModelOutput: Sendable where Value: Sendable {}
extension ModelOutput: Equatable where Value: Equatable {}
