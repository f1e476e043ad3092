import ExecLogModel
import Foundation

extension ExecutionLogger {
    /// Runs a model call, times it, and records it: with the response's content and token usage
    /// when it returns, or with the error's description when it throws (then rethrown as is).
    ///
    ///     let reply = try await log.track(usageType: "interview", provider: "anthropic",
    ///                                     model: "claude-sonnet-4-5", messages: [.user(question)]) {
    ///         try await client.send(question)   // a type conforming to ModelResponse
    ///     }
    ///
    /// The closure runs in the caller's isolation (it need not be `Sendable`); recording never
    /// blocks it. `id` is the execution's id, for callers that want to refer to it elsewhere.
    public func track<Response: ModelResponse, Failure: Error>(
        id: UUID = .v7(),
        usageType: String,
        provider: String,
        model: String,
        messages: [ChatMessage],
        systemPrompt: String? = nil,
        temperature: Double? = nil,
        maxTokens: Int? = nil,
        metadata: JSONValue? = nil,
        traceID: String? = nil,
        sessionID: String? = nil,
        userID: String? = nil,
        tags: [String] = [],
        isolation: isolated (any Actor)? = #isolation,
        _ call: () async throws(Failure) -> Response
    ) async throws(Failure) -> Response {
        try await track(
            id: id, usageType: usageType, provider: provider, model: model, inputMessages: messages.jsonValue,
            systemPrompt: systemPrompt, temperature: temperature, maxTokens: maxTokens, metadata: metadata,
            traceID: traceID, sessionID: sessionID, userID: userID, tags: tags, isolation: isolation, call)
    }

    /// `track` with the `input_messages` given as JSON (an array; e.g. messages with tool calls or images).
    public func track<Response: ModelResponse, Failure: Error>(
        id: UUID = .v7(),
        usageType: String,
        provider: String,
        model: String,
        inputMessages: JSONValue,
        systemPrompt: String? = nil,
        temperature: Double? = nil,
        maxTokens: Int? = nil,
        metadata: JSONValue? = nil,
        traceID: String? = nil,
        sessionID: String? = nil,
        userID: String? = nil,
        tags: [String] = [],
        isolation: isolated (any Actor)? = #isolation,
        _ call: () async throws(Failure) -> Response
    ) async throws(Failure) -> Response {
        var execution = Execution(
            id: id, usageType: usageType, inputMessages: inputMessages, systemPrompt: systemPrompt,
            provider: provider, modelName: model, temperature: temperature, maxTokens: maxTokens,
            executionMetadata: metadata, createdAt: Date(), traceID: traceID, sessionID: sessionID,
            userID: userID, tags: tags)
        let start = ContinuousClock.now
        do {
            let response = try await call()
            execution.executionTimeMs = Self.milliseconds(start.duration(to: .now))
            execution.responseContent = response.responseContent
            execution.inputTokens = response.usage?.inputTokens
            execution.outputTokens = response.usage?.outputTokens
            execution.cachedInputTokens = response.usage?.cachedInputTokens
            execution.cacheCreationInputTokens = response.usage?.cacheCreationInputTokens
            execution.reasoningTokens = response.usage?.reasoningTokens
            execution.totalTokens = response.usage?.totalTokens
            execution.costUSD = response.usage?.costUSD
            execution.finishReason = response.finishReason
            execution.timeToFirstTokenMs = response.timeToFirstToken.map(Self.milliseconds)
            record(execution)
            return response
        } catch {
            execution.executionTimeMs = Self.milliseconds(start.duration(to: .now))
            execution.errorMessage = String(describing: error)
            record(execution)
            throw error
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
