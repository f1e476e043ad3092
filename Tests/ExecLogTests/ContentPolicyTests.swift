import ExecLogModel
import ExecLogTestSupport
import Foundation
import Testing

@testable import ExecLog

/// What leaves the process: redaction, metadata-only, truncation, per usage type.
@Suite struct ContentPolicyTests {
    static let openAIKey = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
    static let anthropicKey = "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp"
    static let secretPrompt = """
        Use \(openAIKey) for OpenAI and \(anthropicKey) for Anthropic; mail jane.doe@example.com.
        Header: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature
        Card 4111 1111 1111 1111, order 1234567890123 (not a card).
        """

    static func execution(_ usageType: String = "interview") -> Execution {
        Execution(
            usageType: usageType,
            inputMessages: [["role": "user", "content": .string(secretPrompt)]],
            systemPrompt: "key=\(openAIKey)", responseContent: "Reach me at bob@corp.example.org",
            provider: "openai", modelName: "gpt-5",
            executionMetadata: ["note": .string("token \(anthropicKey)"), "count": 3],
            errorMessage: "401: invalid key \(openAIKey)")
    }

    static func texts(_ execution: Execution) -> String {
        String(decoding: execution.wireJSON(), as: UTF8.self)
    }

    @Test func redactionReplacesKeysTokensEmailsAndCardsEverywhere() throws {
        let filter = try ContentFilter(ContentPolicy())
        var count = 0
        let redacted = filter.apply(Self.execution(), redactions: &count)
        let json = Self.texts(redacted)
        for secret in [Self.openAIKey, Self.anthropicKey, "jane.doe@example.com", "bob@corp.example.org", "eyJhbGciOiJIUzI1NiJ9", "4111 1111 1111 1111"] {
            #expect(!json.contains(secret), "\(secret) left in \(json)")
        }
        for marker in ["openai_key", "anthropic_key", "email", "bearer_token", "card_number"] {
            #expect(json.contains("[REDACTED:\(marker)]"), "no \(marker) marker in \(json)")
        }
        #expect(json.contains("1234567890123"), "a number that fails the Luhn check is not a card")
        #expect(redacted.executionMetadata?["count"] == 3)
        #expect(count == 9)
    }

    /// Each built-in pattern on its own: what it replaces, and a look-alike it leaves.
    @Test(arguments: [
        (ContentPolicy.Pattern.anthropicKey, "sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4", "sk-ant-short"),
        (.openAIKey, "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t", "sk-tooshort123"),
        (.googleKey, "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "AIzaShort"),
        (.awsKey, "AKIAIOSFODNN7EXAMPLE", "AKIAlowercase1234567"),
        (.githubToken, "ghp_" + String(repeating: "a1B2", count: 9), "ghp_short"),
        (.bearerToken, "Bearer eyJhbGciOiJIUzI1NiJ9.payload", "bearer of news"),
        (.email, "jane.doe@example.com", "jane.doe@localhost"),
        (.cardNumber, "4111-1111-1111-1111", "4111-1111-1111-1112"),
    ])
    func everyBuiltInPatternRedactsItsSecretAndNotItsLookAlike(
        pattern: ContentPolicy.Pattern, secret: String, lookAlike: String
    ) throws {
        let filter = try ContentFilter(ContentPolicy(patterns: [pattern]))
        var count = 0
        var execution = Self.execution()
        execution.systemPrompt = "before \(secret) after"
        execution.responseContent = "before \(lookAlike) after"
        let result = filter.apply(execution, redactions: &count)
        #expect(result.systemPrompt == "before [REDACTED:\(pattern.rawValue)] after")
        #expect(result.responseContent == "before \(lookAlike) after")
    }

    /// The byte scan that decides which patterns to run finds each telltale wherever it sits: at the
    /// very start or end of a text, alone, or in a text of many scripts.
    @Test func theScanFindsEachSecretAtEitherEndOfAText() throws {
        let filter = try ContentFilter(ContentPolicy())
        let secrets = [
            ("sk-ant-api03-Zz9Yy8Xx7Ww6Vv5Uu4", "anthropic_key"), ("sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t", "openai_key"),
            ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "google_key"), ("ASIAIOSFODNN7EXAMPLE", "aws_key"),
            ("gho_" + String(repeating: "a1B2", count: 9), "github_token"),
            ("github_pat_" + String(repeating: "a1B2_", count: 5), "github_token"),
            ("bearer eyJhbGciOiJIUzI1NiJ9.payload", "bearer_token"), ("x@example.com", "email"),
            ("4111 1111 1111 1111", "card_number"),
        ]
        for (secret, kind) in secrets {
            for text in [secret, "\(secret) — 日本語", "Почему? \(secret)"] {
                var count = 0
                var execution = Self.execution()
                execution.responseContent = text
                filter.apply(to: &execution, redactions: &count)
                #expect(execution.responseContent?.contains("[REDACTED:\(kind)]") == true, "\(text)")
                #expect(execution.responseContent?.contains(secret) == false, "\(text)")
            }
        }
    }

    @Test func everyBuiltInPatternCompilesAndABadCustomOneIsAnErrorAtStart() throws {
        #expect(try ContentFilter(ContentPolicy()).builtIn.map(\.kind) == ContentPolicy.Pattern.allCases)
        #expect(throws: ConfigurationError.self) { try ContentFilter(ContentPolicy(customPatterns: ["(unclosed"])) }
        var configuration = ExecutionLoggerConfiguration()
        configuration.contentPolicy.customPatterns = ["[z-a]"]
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description == "redaction pattern \"[z-a]\" is not a valid regular expression")
    }

    @Test func onlyTheStringsWithSecretsChangeAndAnExecutionWithoutAnyIsKeptAsItIs() throws {
        let filter = try ContentFilter(ContentPolicy(maxContentBytes: 40))
        var execution = Self.execution()
        execution.systemPrompt = "You are terse."
        execution.responseContent = nil
        execution.errorMessage = nil
        execution.inputMessages = [
            ["role": "user", "content": "write to ops@example.com"], ["role": "user", "content": "plain words"],
            ["role": "user", "content": .string(String(repeating: "long ", count: 20))], [1, true, .null],
        ]
        execution.executionMetadata = ["nested": ["deep": ["x", "no secret here, sk- alone"]], "n": 4]
        var count = 0
        let result = filter.apply(execution, redactions: &count)
        #expect(count == 1)
        #expect(result.inputMessages == [
            ["role": "user", "content": "write to [REDACTED:email]"], ["role": "user", "content": "plain words"],
            ["role": "user", "content": .string(String(repeating: "long ", count: 8) + "…[truncated 60 bytes]")], [1, true, .null],
        ])
        #expect(result.executionMetadata == execution.executionMetadata)
        #expect(result.systemPrompt == "You are terse.")

        var clean = execution
        clean.inputMessages = [["role": "user", "content": "plain words"]]
        #expect(filter.apply(clean, redactions: &count) == clean)
        #expect(count == 1)
    }

    @Test func metadataOnlyKeepsNoContentAndCountsStillAdd() throws {
        let filter = try ContentFilter(ContentPolicy(capture: .metadataOnly))
        var count = 0
        var original = Self.execution()
        original.inputTokens = 10
        let kept = filter.apply(original, redactions: &count)
        #expect(kept.systemPrompt == nil && kept.responseContent == nil && kept.executionMetadata == nil)
        #expect(kept.inputMessages == .array([]))
        #expect(kept.errorMessage == "[content not captured]", "a failure stays a failure")
        #expect(kept.inputTokens == 10 && kept.modelName == "gpt-5")
    }

    @Test func capturePerUsageTypeAndTruncationWithItsMarker() throws {
        let policy = ContentPolicy(
            capture: .full, captureByUsageType: ["interview": .metadataOnly, "support": .redacted], maxContentBytes: 20)
        let filter = try ContentFilter(policy)
        var count = 0
        let interview = filter.apply(Self.execution("interview"), redactions: &count)
        #expect(interview.systemPrompt == nil)
        var long = Self.execution("commit_generation")
        long.responseContent = String(repeating: "é", count: 30)  // 60 bytes, 2 per character
        let cut = filter.apply(long, redactions: &count)
        #expect(cut.responseContent == String(repeating: "é", count: 10) + "…[truncated 40 bytes]")
        #expect(cut.systemPrompt == "key=\(Self.openAIKey.prefix(16))…[truncated \(4 + Self.openAIKey.utf8.count - 20) bytes]")
        let support = filter.apply(Self.execution("support"), redactions: &count)
        // Redacted first, then cut: a key is never half-kept by the cut.
        #expect(support.systemPrompt == "key=[REDACTED:openai…[truncated 5 bytes]")
        #expect(try ContentFilter(ContentPolicy(capture: .full)).isIdentity)
    }

    @Test func theEnvironmentSetsThePolicyAndABadValueIsAnError() throws {
        let folder = try TemporaryFolder()
        let patternsFile = folder.path("patterns.txt")
        try "internal-[0-9]{6}\n\nproject-x\n".write(toFile: patternsFile, atomically: true, encoding: .utf8)
        let configuration = try ExecutionLoggerConfiguration.fromEnvironment([
            "EXECLOG_CONTENT_CAPTURE": "full",
            "EXECLOG_CONTENT_CAPTURE_BY_USAGE_TYPE": "interview=metadata-only, support = redacted",
            "EXECLOG_REDACT_PATTERNS": "email,openai_key",
            "EXECLOG_REDACT_CUSTOM_FILE": patternsFile,
            "EXECLOG_MAX_CONTENT_BYTES": "4096",
        ])
        let policy = configuration.contentPolicy
        #expect(policy.capture == .full)
        #expect(policy.captureByUsageType == ["interview": .metadataOnly, "support": .redacted])
        #expect(policy.patterns == [.email, .openAIKey])
        #expect(policy.customPatterns == ["internal-[0-9]{6}", "project-x"])
        #expect(policy.maxContentBytes == 4096)
        var count = 0
        let text = try ContentFilter(policy).redact("ticket internal-123456 for project-x", count: &count)
        #expect(text == "ticket [REDACTED:custom] for [REDACTED:custom]")

        for (key, value) in [
            ("EXECLOG_CONTENT_CAPTURE", "some"), ("EXECLOG_REDACT_PATTERNS", "ssn"),
            ("EXECLOG_CONTENT_CAPTURE_BY_USAGE_TYPE", "interview"), ("EXECLOG_MAX_CONTENT_BYTES", "0"),
            ("EXECLOG_REDACT_CUSTOM_FILE", folder.path("missing.txt")),
        ] {
            #expect(throws: ConfigurationError.self, "\(key)=\(value)") {
                try ExecutionLoggerConfiguration.fromEnvironment([key: value])
            }
        }
        var invalid = ExecutionLoggerConfiguration()
        invalid.contentPolicy.customPatterns = ["(unclosed"]
        #expect(throws: ConfigurationError.self) { try invalid.validate() }
    }

    @Test func nothingRedactedReachesTheSpool() async throws {
        let folder = try TemporaryFolder()
        let spool = folder.path("spool")
        // No writer listens: everything goes to the spool at shutdown.
        let log = ExecutionLogger(
            configuration: .init(endpoint: "ipc://" + folder.path("nobody.sock"), spoolDirectory: spool))
        for _ in 0..<20 { log.record(Self.execution()) }
        await log.shutdown(timeout: .milliseconds(300))
        #expect(log.counters.spooled == 20)
        #expect(log.counters.redactions == 20 * 9)
        var bytes = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: spool) where name.hasSuffix(".spool") {
            bytes += try Data(contentsOf: URL(fileURLWithPath: spool + "/" + name))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("[REDACTED:openai_key]"))
        #expect(!text.contains(Self.openAIKey) && !text.contains(Self.anthropicKey) && !text.contains("jane.doe@"))
    }
}
