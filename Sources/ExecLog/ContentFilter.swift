import ExecLogModel
import Foundation

/// Applies a ``ContentPolicy`` to executions: compiled once. The sender applies it on its own thread
/// before anything leaves the process; it is public for code that wants the same redaction elsewhere
/// (and for the benchmark that measures its cost). Not thread-safe: one per thread.
public struct ContentFilter {
    public let policy: ContentPolicy
    /// The built-in patterns in use, most specific first, each compiled on its own: a text is matched
    /// only against those whose telltale bytes it holds (`candidates`), so most texts cost one scan.
    let builtIn: [(kind: ContentPolicy.Pattern, expression: NSRegularExpression)]
    private let custom: [NSRegularExpression]

    /// Throws for a custom pattern that is not a valid regular expression, naming it.
    public init(_ policy: ContentPolicy) throws(ConfigurationError) {
        self.policy = policy
        // Most specific first: an Anthropic key also starts with "sk-".
        var builtIn: [(kind: ContentPolicy.Pattern, expression: NSRegularExpression)] = []
        for kind in ContentPolicy.Pattern.allCases where policy.patterns.contains(kind) {
            // Never silently dropped: a pattern that does not compile would let its secrets through.
            do {
                builtIn.append((kind, try NSRegularExpression(pattern: Self.expression(kind))))
            } catch {
                throw ConfigurationError("built-in redaction pattern \(kind.rawValue) does not compile: \(error)")
            }
        }
        self.builtIn = builtIn
        var custom: [NSRegularExpression] = []
        for pattern in policy.customPatterns {
            do {
                custom.append(try NSRegularExpression(pattern: pattern))
            } catch {
                throw ConfigurationError("redaction pattern \(pattern.debugDescription) is not a valid regular expression")
            }
        }
        self.custom = custom
    }

    static func expression(_ pattern: ContentPolicy.Pattern) -> String {
        switch pattern {
        case .anthropicKey: #"\bsk-ant-[A-Za-z0-9_\-]{16,}"#
        case .openAIKey: #"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}"#
        case .googleKey: #"\bAIza[0-9A-Za-z_\-]{35}"#
        case .awsKey: #"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"#
        case .githubToken: #"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"#
        case .bearerToken: #"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]{8,}=*"#
        case .email: #"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b"#
        case .cardNumber: #"\b\d(?:[ \-]?\d){12,18}\b"#
        }
    }

    /// Whether the policy can change anything at all (the sender skips the work otherwise).
    var isIdentity: Bool {
        policy.capture == .full && policy.captureByUsageType.values.allSatisfy { $0 == .full }
            && policy.maxContentBytes == nil
    }

    /// The execution as the policy lets it leave the process; `redactions` counts the replacements.
    public func apply(_ execution: Execution, redactions: inout Int) -> Execution {
        var execution = execution
        apply(to: &execution, redactions: &redactions)
        return execution
    }

    /// ``apply(_:redactions:)`` in place: the sender's path, with no copy of the execution to make and
    /// release (each copy retains every string of it).
    public func apply(to execution: inout Execution, redactions: inout Int) {
        switch policy.capture(for: execution.usageType) {
        case .metadataOnly:
            execution.systemPrompt = nil
            execution.responseContent = nil
            execution.executionMetadata = nil
            execution.inputMessages = .array([])
            if execution.errorMessage != nil { execution.errorMessage = "[content not captured]" }
        case .full:
            guard policy.maxContentBytes != nil else { return }
            var count = 0
            transform(&execution, redact: false, count: &count)
        case .redacted:
            var count = 0
            transform(&execution, redact: true, count: &count)
            redactions += count
        }
    }

    /// A string of the content as the policy keeps it, or nil when it stays as it is: redacted first
    /// (with `redact`), then truncated.
    private func text(_ text: String, redact: Bool, count: inout Int) -> String? {
        guard redact else { return truncated(text) }
        let redacted = self.redacted(text, count: &count)
        return truncated(redacted ?? text) ?? redacted
    }

    /// Applies `text` to every string of the content. Most executions hold no secret: their messages
    /// and metadata are then kept, not rebuilt. (No closures: one capturing this filter would copy it,
    /// and retain everything it holds, for every execution.)
    private func transform(_ execution: inout Execution, redact: Bool, count: inout Int) {
        if let systemPrompt = execution.systemPrompt, let changed = text(systemPrompt, redact: redact, count: &count) {
            execution.systemPrompt = changed
        }
        if let response = execution.responseContent, let changed = text(response, redact: redact, count: &count) {
            execution.responseContent = changed
        }
        if let error = execution.errorMessage, let changed = text(error, redact: redact, count: &count) {
            execution.errorMessage = changed
        }
        if let changed = mapStrings(execution.inputMessages, redact: redact, count: &count) {
            execution.inputMessages = changed
        }
        if let metadata = execution.executionMetadata, let changed = mapStrings(metadata, redact: redact, count: &count) {
            execution.executionMetadata = changed
        }
    }

    /// The value with `text` applied to its strings, or nil when none changed.
    private func mapStrings(_ value: JSONValue, redact: Bool, count: inout Int) -> JSONValue? {
        switch value {
        case .string(let string):
            return text(string, redact: redact, count: &count).map(JSONValue.string)
        case .array(let elements):
            var copy: [JSONValue]?
            for index in elements.indices {
                guard let changed = mapStrings(elements[index], redact: redact, count: &count) else { continue }
                if copy == nil { copy = elements }
                copy?[index] = changed
            }
            return copy.map(JSONValue.array)
        case .object(let members):
            var copy: [String: JSONValue]?
            for (key, member) in members {
                guard let changed = mapStrings(member, redact: redact, count: &count) else { continue }
                if copy == nil { copy = members }
                copy?[key] = changed
            }
            return copy.map(JSONValue.object)
        case .null, .bool, .int, .double:
            return nil
        }
    }

    func redact(_ text: String, count: inout Int) -> String {
        redacted(text, count: &count) ?? text
    }

    /// The text with its secrets replaced, or nil when it has none.
    private func redacted(_ text: String, count: inout Int) -> String? {
        // Nothing shorter can hold a secret worth the regex engine's time.
        guard text.utf8.count >= 6 else { return nil }
        let candidates = builtIn.isEmpty ? [] : Self.candidateSet(in: text)
        guard !candidates.isEmpty || !custom.isEmpty else { return nil }
        let before = count
        var result = text
        for (kind, expression) in builtIn where candidates.contains(Candidates(kind)) {
            result = replace(expression, in: result, count: &count) { match, string in
                if kind == .cardNumber, !Self.passesLuhn(string.substring(with: match.range)) { return nil }
                return "[REDACTED:\(kind.rawValue)]"
            }
        }
        for expression in custom {
            result = replace(expression, in: result, count: &count) { _, _ in "[REDACTED:custom]" }
        }
        return count > before ? result : nil
    }

    /// Replaces each match with what `marker` returns (nil keeps the match).
    private func replace(
        _ expression: NSRegularExpression, in text: String, count: inout Int,
        marker: (NSTextCheckingResult, NSString) -> String?
    ) -> String {
        let string = text as NSString
        let matches = expression.matches(in: text, range: NSRange(location: 0, length: string.length))
        guard !matches.isEmpty else { return text }
        let output = NSMutableString(string: text)
        // From the end, so earlier ranges stay valid.
        for match in matches.reversed() {
            guard let replacement = marker(match, string) else { continue }
            output.replaceCharacters(in: match.range, with: replacement)
            count += 1
        }
        return output as String
    }

    /// The text cut to `maxContentBytes` with a marker, or nil when it fits.
    func truncated(_ text: String) -> String? {
        guard let limit = policy.maxContentBytes, text.utf8.count > limit else { return nil }
        var kept = text.utf8.prefix(limit)
        // Back off to a character boundary: never cut a UTF-8 sequence (or a grapheme's scalar) in half.
        while !kept.isEmpty, String(kept) == nil { kept = kept.dropLast() }
        let prefix = String(kept) ?? ""
        return prefix + "…[truncated \(text.utf8.count - prefix.utf8.count) bytes]"
    }

    /// The patterns a text may hold, as bits (no allocation: the scan runs on every string sent).
    struct Candidates: OptionSet {
        let rawValue: UInt16
        init(rawValue: UInt16) { self.rawValue = rawValue }
        init(_ pattern: ContentPolicy.Pattern) {
            let index = ContentPolicy.Pattern.allCases.firstIndex(of: pattern) ?? 0
            rawValue = 1 << UInt16(index)
        }
        static let card = Candidates(.cardNumber), email = Candidates(.email), google = Candidates(.googleKey)
        static let aws = Candidates(.awsKey), github = Candidates(.githubToken), bearer = Candidates(.bearerToken)
        static let keys = Candidates([Candidates(.openAIKey), Candidates(.anthropicKey)])
    }

    /// The patterns whose telltale bytes appear in the text (`sk-`, `AIza`, `AKIA`, `gh?_`, `bearer`,
    /// `@`, a run of 13 digits): one pass over its UTF-8, far cheaper than any regex.
    static func candidateSet(in text: String) -> Candidates {
        var text = text
        return text.withUTF8 { candidates(in: $0) }
    }

    /// What each byte is to the scan: most are nothing, one table load and a well-predicted branch.
    /// (A `switch` on the byte compiled to a jump table, mispredicted on every letter it named.)
    private static let byteKinds: [UInt8] = {
        var kinds = [UInt8](repeating: 0, count: 256)
        for digit in UInt8(ascii: "0")...UInt8(ascii: "9") { kinds[Int(digit)] = 1 }
        kinds[Int(UInt8(ascii: " "))] = 2
        for byte in "-@_AbB".utf8 { kinds[Int(byte)] = 3 }
        return kinds
    }()

    private static func candidates(in bytes: UnsafeBufferPointer<UInt8>) -> Candidates {
        guard let base = bytes.baseAddress else { return [] }
        let count = bytes.count
        // Case-insensitive, as letters go (`| 0x20`): a superset of what the patterns match.
        func at(_ index: Int, _ literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard index >= 0, index + length <= count else { return false }
            let start = literal.utf8Start
            for offset in 0..<length where base[index + offset] | 0x20 != start[offset] | 0x20 { return false }
            return true
        }
        var found: Candidates = []
        var digits = 0
        return byteKinds.withUnsafeBufferPointer { kinds in
            for index in 0..<count {
                let byte = base[index]
                switch kinds[Int(byte)] {
                case 0:
                    digits = 0
                    continue
                case 1:
                    digits += 1
                    if digits >= 13 { found.insert(.card) }
                    continue
                case 2:
                    continue  // a space inside a card number keeps the run going
                default: break
                }
                switch byte {
                case UInt8(ascii: "-"):
                    // A dash keeps a card number's run going too; it also ends the `sk-` of a key.
                    if at(index - 2, "sk-"), base[index - 2] == UInt8(ascii: "s") { found.insert(.keys) }
                    continue
                case UInt8(ascii: "@"): found.insert(.email)
                case UInt8(ascii: "_"):
                    // The underscore of `gh?_` and `github_pat_`.
                    if index >= 3, base[index - 3] == UInt8(ascii: "g"), at(index - 3, "gh") { found.insert(.github) }
                    if index >= 6, base[index - 6] == UInt8(ascii: "g"), at(index - 6, "github_") { found.insert(.github) }
                case UInt8(ascii: "A"):
                    if at(index, "AIza") { found.insert(.google) }
                    if at(index, "AKIA") || at(index, "ASIA") { found.insert(.aws) }
                default:  // b, B
                    if at(index, "bearer") { found.insert(.bearer) }
                }
                digits = 0
            }
            return found
        }
    }

    static func passesLuhn(_ candidate: String) -> Bool {
        let digits = candidate.compactMap(\.wholeNumberValue)
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }
}
