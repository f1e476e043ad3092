import ExecLog
import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Testing

/// The content policy seen from the store: what the real writer stored is what the policy let out.
@Suite(.timeLimit(.minutes(1)))
struct ContentPrivacyTests {
    static let openAIKey = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
    static let anthropicKey = "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp"

    static func execution(_ usageType: String) -> Execution {
        Execution(
            usageType: usageType,
            inputMessages: [["role": "user", "content": .string("keys \(openAIKey) and \(anthropicKey), mail ann@example.com")]],
            systemPrompt: String(repeating: "You are a careful reviewer. ", count: 40), responseContent: "Done.",
            inputTokens: 120, outputTokens: 4, provider: "openai", modelName: "gpt-5")
    }

    @Test func theStoreHoldsRedactedTruncatedOrNoContentAsConfigured() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let policy = ContentPolicy(captureByUsageType: ["interview": .metadataOnly], maxContentBytes: 200)
        let log = ExecutionLogger(configuration: .init(endpoint: daemon.ipcEndpoint, contentPolicy: policy))
        let redacted = Self.execution("commit_generation")
        let metadataOnly = Self.execution("interview")
        log.record(redacted)
        log.record(metadataOnly)
        #expect(log.flushBlocking(timeout: .seconds(20)))
        log.shutdownBlocking(timeout: .seconds(5))

        let store = try ExecutionStore(path: daemon.storePath, mode: .readOnly)
        let stored = try store.execution(redacted.idString)
        let messages = String(decoding: stored.inputMessages.serialized().utf8, as: UTF8.self)
        #expect(!messages.contains(Self.openAIKey) && !messages.contains(Self.anthropicKey) && !messages.contains("ann@"))
        #expect(messages.contains("[REDACTED:openai_key]") && messages.contains("[REDACTED:anthropic_key]")
            && messages.contains("[REDACTED:email]"))
        #expect(stored.systemPrompt?.hasSuffix("…[truncated 920 bytes]") == true)
        #expect(stored.systemPrompt?.utf8.count == 200 + "…[truncated 920 bytes]".utf8.count)

        let bare = try store.execution(metadataOnly.idString)
        #expect(bare.systemPrompt == nil && bare.responseContent == nil && bare.inputMessages == .array([]))
        #expect(bare.inputTokens == 120 && bare.outputTokens == 4 && bare.usageType == "interview")
    }
}
