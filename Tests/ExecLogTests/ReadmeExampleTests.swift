import ExecLog
import ExecLogModel
import Testing

/// The README's usage example, compiled and run against no writer: it must stay true.
@Suite struct ReadmeExampleTests {
    struct Reply { var text: String; var inputTokens: Int; var outputTokens: Int }
    struct FakeAnthropic { func complete(_ prompt: String) async throws -> Reply { Reply(text: "feat: x", inputTokens: 12, outputTokens: 3) } }

    @Test func theReadmeExampleCompilesAndRecords() async throws {
        let anthropic = FakeAnthropic()
        let diff = "+ added a line"
        let log = ExecutionLogger(configuration: try .fromEnvironment(["EXECLOG_ENDPOINT": "ipc:///tmp/execlog-readme-nobody.sock"]))

        let summary = try await log.track(usageType: "commit_generation", provider: "anthropic", model: "claude-sonnet-4-5",
                                          messages: [.user(diff)]) {
            let reply = try await anthropic.complete(diff)
            return ModelOutput(content: reply.text,
                               usage: ModelUsage(inputTokens: reply.inputTokens, outputTokens: reply.outputTokens))
        }
        log.record(Execution(usageType: "interview", inputTokens: 812, outputTokens: 95, provider: "openai", modelName: "gpt-5"))

        #expect(summary.value == "feat: x")
        #expect(log.counters.recorded == 2)
        await log.shutdown(timeout: .milliseconds(200))
    }
}
