import ExecLog
import ExecLogModel
import Foundation
import Testing

/// A caller's own response type, as a provider client would return it.
struct CompletionReply: ModelResponse, Equatable {
    var text: String
    var promptTokens: Int
    var completionTokens: Int

    var responseContent: String? { text }
    var usage: ModelUsage? { ModelUsage(inputTokens: promptTokens, outputTokens: completionTokens) }
    var finishReason: String? { "stop" }
}

struct RateLimited: Error, CustomStringConvertible {
    var description: String { "rate_limit_error: slow down" }
}

@Suite struct TrackTests {
    @Test func recordsSuccessWithTokensAndFailureWithTheMessage() async throws {
        let directory = try TemporaryDirectory()
        let writer = try FakeWriter(endpoint: directory.endpoint())
        defer { writer.stop() }
        let log = ExecutionLogger(configuration: .init(endpoint: writer.endpoint))

        let successID = UUID.v7()
        let reply = try await log.track(
            id: successID, usageType: "interview", provider: "anthropic", model: "claude-sonnet-4-5",
            messages: [.system("Be brief."), .user("Hello?")], systemPrompt: "You interview.",
            temperature: 0.2, maxTokens: 1_024, metadata: ["worker": "w-1"], tags: ["test"]
        ) {
            try await Task.sleep(for: .milliseconds(20))
            return CompletionReply(text: "Hi!", promptTokens: 12, completionTokens: 3)
        }
        #expect(reply == CompletionReply(text: "Hi!", promptTokens: 12, completionTokens: 3))

        let failureID = UUID.v7()
        await #expect(throws: RateLimited.self) {
            try await log.track(
                id: failureID, usageType: "interview", provider: "anthropic", model: "claude-sonnet-4-5",
                messages: [.user("Again?")]
            ) { () async throws -> CompletionReply in
                throw RateLimited()
            }
        }

        // ModelOutput wraps any value; JSON input messages go as they are.
        let outputID = UUID.v7()
        let output = await log.track(
            id: outputID, usageType: "general", provider: "openai", model: "gpt-5",
            inputMessages: [["role": "user", "content": "2+2?"]]
        ) {
            ModelOutput(4, content: "4", usage: ModelUsage(inputTokens: 5, outputTokens: 1, cachedInputTokens: 2))
        }
        #expect(output.value == 4)

        #expect(await log.flush(timeout: .seconds(20)))
        let success = try writer.execution(successID)
        #expect(success.usageType == "interview")
        #expect(success.provider == "anthropic")
        #expect(success.modelName == "claude-sonnet-4-5")
        #expect(success.responseContent == "Hi!")
        #expect(success.inputTokens == 12)
        #expect(success.outputTokens == 3)
        #expect(success.totalTokens == 15)
        #expect(success.finishReason == "stop")
        #expect(success.errorMessage == nil)
        #expect(success.systemPrompt == "You interview.")
        #expect(success.temperature == 0.2)
        #expect(success.maxTokens == 1_024)
        #expect(success.executionMetadata == ["worker": "w-1"])
        #expect(success.tags == ["test"])
        #expect(
            success.inputMessages == [
                ["role": "system", "content": "Be brief."], ["role": "user", "content": "Hello?"],
            ])
        #expect((success.executionTimeMs ?? 0) >= 15)

        let failure = try writer.execution(failureID)
        #expect(failure.errorMessage == "rate_limit_error: slow down")
        #expect(failure.isError)
        #expect(failure.responseContent == nil)
        #expect(failure.inputTokens == nil)
        #expect(failure.executionTimeMs != nil)

        let wrapped = try writer.execution(outputID)
        #expect(wrapped.responseContent == "4")
        #expect(wrapped.totalTokens == 6)
        #expect(wrapped.cachedInputTokens == 2)
        #expect(wrapped.inputMessages == [["role": "user", "content": "2+2?"]])

        #expect(log.counters.stored == 3)
        await log.shutdown(timeout: .seconds(5))
    }

    @Test func trackRunsOnTheCallersActor() async throws {
        let directory = try TemporaryDirectory()
        let log = ExecutionLogger(configuration: .init(endpoint: directory.endpoint()))
        let reply = await Task { @MainActor in
            let output = await log.track(
                usageType: "general", provider: "openai", model: "gpt-5", messages: [.user("hi")]
            ) {
                MainActor.assertIsolated()  // a non-Sendable closure, run where the caller is
                return ModelOutput(content: "hello")
            }
            return output.value
        }.value
        #expect(reply == "hello")
        #expect(log.counters.recorded == 1)
        await log.shutdown(timeout: .zero)
    }
}
