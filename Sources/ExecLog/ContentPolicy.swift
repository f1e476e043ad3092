/// What of an execution's content (prompts, messages, response, error text, metadata) leaves the
/// process. Applied on the logger's background thread before an event is sent or spooled: nothing
/// the policy removes is ever written to a socket or a file.
public struct ContentPolicy: Sendable, Hashable {
    /// How much content is kept.
    public enum Capture: String, Sendable, Hashable, CaseIterable {
        /// Everything, with no redaction.
        case full
        /// Everything, with secrets and personal data replaced by `[REDACTED:kind]` markers (the default).
        case redacted
        /// No content at all: no system prompt, response or metadata, `input_messages` as `[]`, and an
        /// error message reduced to `[content not captured]`. Tokens, timings, model and status stay.
        case metadataOnly = "metadata-only"
    }

    /// The built-in patterns that `redacted` replaces.
    public enum Pattern: String, Sendable, Hashable, CaseIterable {
        /// Anthropic API keys (`sk-ant-…`).
        case anthropicKey = "anthropic_key"
        /// OpenAI API keys (`sk-…`, `sk-proj-…`).
        case openAIKey = "openai_key"
        /// Google API keys (`AIza…`).
        case googleKey = "google_key"
        /// AWS access key ids (`AKIA…`, `ASIA…`).
        case awsKey = "aws_key"
        /// GitHub tokens (`ghp_…`, `gho_…`, `ghs_…`, `ghu_…`, `ghr_…`, `github_pat_…`).
        case githubToken = "github_token"
        /// `Bearer …` credentials in headers or text.
        case bearerToken = "bearer_token"
        /// E-mail addresses.
        case email
        /// Payment card numbers (13 to 19 digits, with spaces or dashes, passing the Luhn check).
        case cardNumber = "card_number"
    }

    /// The capture for usage types not in `captureByUsageType`.
    public var capture: Capture
    /// A capture per usage type, e.g. `["interview": .metadataOnly]`.
    public var captureByUsageType: [String: Capture]
    /// Built-in patterns applied by `redacted` (default: all).
    public var patterns: Set<Pattern>
    /// Extra regular expressions (ICU syntax, as NSRegularExpression) applied by `redacted`; each match
    /// becomes `[REDACTED:custom]`.
    public var customPatterns: [String]
    /// Longest text kept per field (and per string inside messages and metadata), in UTF-8 bytes; longer
    /// text is cut at a character boundary and ends with `…[truncated N bytes]`. Nil: no limit.
    public var maxContentBytes: Int?

    public init(
        capture: Capture = .redacted, captureByUsageType: [String: Capture] = [:],
        patterns: Set<Pattern> = Set(Pattern.allCases), customPatterns: [String] = [], maxContentBytes: Int? = nil
    ) {
        self.capture = capture
        self.captureByUsageType = captureByUsageType
        self.patterns = patterns
        self.customPatterns = customPatterns
        self.maxContentBytes = maxContentBytes
    }

    /// The capture that applies to one usage type.
    public func capture(for usageType: String) -> Capture {
        captureByUsageType[usageType] ?? capture
    }
}
