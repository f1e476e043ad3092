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
            return transform(execution) { truncated($0) }
        case .redacted:
            var count = 0
            let result = transform(execution) { text in
                let redacted = self.redacted(text, count: &count)
                return truncated(redacted ?? text) ?? redacted
            }
            redactions += count
            return result
        }
    }

    /// Applies `text` to every string of the content; it returns nil for a string it leaves as it is.
    /// Most executions hold no secret: their messages and metadata are then kept, not rebuilt.
    private func transform(_ execution: Execution, _ text: (String) -> String?) -> Execution {
        var execution = execution
        if let systemPrompt = execution.systemPrompt, let changed = text(systemPrompt) { execution.systemPrompt = changed }
        if let response = execution.responseContent, let changed = text(response) { execution.responseContent = changed }
        if let error = execution.errorMessage, let changed = text(error) { execution.errorMessage = changed }
        if let changed = Self.mapStrings(execution.inputMessages, text) { execution.inputMessages = changed }
        if let metadata = execution.executionMetadata, let changed = Self.mapStrings(metadata, text) {
            execution.executionMetadata = changed
        }
        return execution
    }

    /// The value with `text` applied to its strings, or nil when none changed.
    private static func mapStrings(_ value: JSONValue, _ text: (String) -> String?) -> JSONValue? {
        switch value {
        case .string(let string):
            return text(string).map(JSONValue.string)
        case .array(let elements):
            var copy: [JSONValue]?
            for (index, element) in elements.enumerated() {
                guard let changed = mapStrings(element, text) else { continue }
                if copy == nil { copy = elements }
                copy![index] = changed
            }
            return copy.map(JSONValue.array)
        case .object(let members):
            var copy: [String: JSONValue]?
            for (key, member) in members {
                guard let changed = mapStrings(member, text) else { continue }
                if copy == nil { copy = members }
                copy![key] = changed
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
        let candidates = builtIn.isEmpty ? [] : Self.candidates(in: text)
        guard !candidates.isEmpty || !custom.isEmpty else { return nil }
        let before = count
        var result = text
        for (kind, expression) in builtIn where candidates.contains(kind) {
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

    /// The patterns whose telltale bytes appear in the text (`sk-`, `AIza`, `AKIA`, `gh?_`, `bearer`,
    /// `@`, a run of 13 digits): one pass over its UTF-8, far cheaper than any regex.
    static func candidates(in text: String) -> Set<ContentPolicy.Pattern> {
        var text = text
        return text.withUTF8 { candidates(in: $0) }
    }

    private static func candidates(in bytes: UnsafeBufferPointer<UInt8>) -> Set<ContentPolicy.Pattern> {
        var found: Set<ContentPolicy.Pattern> = []
        func at(_ index: Int, _ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] | 0x20 != start[offset] | 0x20 { return false }
            return true
        }
        var digits = 0
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                if digits >= 13 { found.insert(.cardNumber) }
                continue
            case UInt8(ascii: " "), UInt8(ascii: "-"):
                continue  // separators inside a card number keep the run going
            case UInt8(ascii: "@"): found.insert(.email)
            case UInt8(ascii: "s"):
                if at(index, "sk-") { found.formUnion([.openAIKey, .anthropicKey]) }
            case UInt8(ascii: "A"):
                if at(index, "AIza") { found.insert(.googleKey) }
                if at(index, "AKIA") || at(index, "ASIA") { found.insert(.awsKey) }
            case UInt8(ascii: "g"):
                if at(index, "github_pat_") || (at(index, "gh") && index + 3 < bytes.count && bytes[index + 3] == UInt8(ascii: "_")) {
                    found.insert(.githubToken)
                }
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                if at(index, "bearer") { found.insert(.bearerToken) }
            default: break
            }
            digits = 0
        }
        return found
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
