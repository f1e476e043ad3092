import ExecLogModel
import Foundation

/// Applies a ``ContentPolicy`` to executions: compiled once, used by the sender thread only.
struct ContentFilter {
    let policy: ContentPolicy
    /// One alternation of the built-in patterns, each in a named group.
    private let builtIn: NSRegularExpression?
    private let builtInKinds: [ContentPolicy.Pattern]
    private let custom: [NSRegularExpression]

    /// Throws for a custom pattern that is not a valid regular expression, naming it.
    init(_ policy: ContentPolicy) throws(ConfigurationError) {
        self.policy = policy
        // Most specific first: an Anthropic key also starts with "sk-".
        let kinds = ContentPolicy.Pattern.allCases.filter { policy.patterns.contains($0) }
        builtInKinds = kinds
        builtIn = kinds.isEmpty ? nil : try? NSRegularExpression(
            pattern: kinds.map { "(" + Self.expression($0) + ")" }.joined(separator: "|"))
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
    func apply(_ execution: Execution, redactions: inout Int) -> Execution {
        var execution = execution
        switch policy.capture(for: execution.usageType) {
        case .metadataOnly:
            execution.systemPrompt = nil
            execution.responseContent = nil
            execution.executionMetadata = nil
            execution.inputMessages = .array([])
            if execution.errorMessage != nil { execution.errorMessage = "[content not captured]" }
            return execution
        case .full:
            guard policy.maxContentBytes != nil else { return execution }
            return transform(execution) { truncate($0) }
        case .redacted:
            var count = 0
            let result = transform(execution) { truncate(redact($0, count: &count)) }
            redactions += count
            return result
        }
    }

    private func transform(_ execution: Execution, _ text: (String) -> String) -> Execution {
        var execution = execution
        execution.systemPrompt = execution.systemPrompt.map(text)
        execution.responseContent = execution.responseContent.map(text)
        execution.errorMessage = execution.errorMessage.map(text)
        execution.inputMessages = Self.mapStrings(execution.inputMessages, text)
        execution.executionMetadata = execution.executionMetadata.map { Self.mapStrings($0, text) }
        return execution
    }

    private static func mapStrings(_ value: JSONValue, _ text: (String) -> String) -> JSONValue {
        switch value {
        case .string(let string): .string(text(string))
        case .array(let elements): .array(elements.map { mapStrings($0, text) })
        case .object(let members): .object(members.mapValues { mapStrings($0, text) })
        case .null, .bool, .int, .double: value
        }
    }

    func redact(_ text: String, count: inout Int) -> String {
        // Nothing shorter can hold a secret worth the regex engine's time.
        guard text.utf8.count >= 6 else { return text }
        var result = text
        if let builtIn {
            result = replace(builtIn, in: result, count: &count) { match, string in
                let group = (1...builtInKinds.count).first { match.range(at: $0).location != NSNotFound } ?? 1
                let kind = builtInKinds[group - 1]
                if kind == .cardNumber, !Self.passesLuhn(string.substring(with: match.range)) { return nil }
                return "[REDACTED:\(kind.rawValue)]"
            }
        }
        for expression in custom {
            result = replace(expression, in: result, count: &count) { _, _ in "[REDACTED:custom]" }
        }
        return result
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

    func truncate(_ text: String) -> String {
        guard let limit = policy.maxContentBytes, text.utf8.count > limit else { return text }
        var kept = text.utf8.prefix(limit)
        // Back off to a character boundary: never cut a UTF-8 sequence (or a grapheme's scalar) in half.
        while !kept.isEmpty, String(kept) == nil { kept = kept.dropLast() }
        let prefix = String(kept) ?? ""
        return prefix + "…[truncated \(text.utf8.count - prefix.utf8.count) bytes]"
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
