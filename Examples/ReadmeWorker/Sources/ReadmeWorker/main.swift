import ExecLog

let log = ExecutionLogger(configuration: try .fromEnvironment())   // EXECLOG_ENDPOINT, else ipc:///run/execlog/execlog.sock

// Automatic: times the call, records the response and token usage, or the error (and rethrows it).
let summary = try await log.track(usageType: "commit_generation", provider: "anthropic", model: "claude-sonnet-4-5",
                                  messages: [.user(diff)]) {
    let reply = try await anthropic.complete(diff)
    return ModelOutput(content: reply.text,
                       usage: ModelUsage(inputTokens: reply.inputTokens, outputTokens: reply.outputTokens))
}

// Or by hand: never blocks, never throws.
log.record(Execution(usageType: "interview", inputTokens: 812, outputTokens: 95, provider: "openai", modelName: "gpt-5"))

await log.shutdown(timeout: .seconds(5))   // delivers what is still queued
