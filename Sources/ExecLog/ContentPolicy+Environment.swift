import Foundation

extension ContentPolicy {
    /// Applies the `EXECLOG_CONTENT_*`, `EXECLOG_REDACT_*` and `EXECLOG_MAX_CONTENT_BYTES` variables.
    mutating func apply(_ environment: [String: String]) throws(ConfigurationError) {
        typealias Key = ExecutionLoggerConfiguration.EnvironmentKey
        func value(_ key: String) -> String? {
            guard let text = environment[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func capture(_ text: String, _ key: String) throws(ConfigurationError) -> Capture {
            guard let capture = Capture(rawValue: text.lowercased()) else {
                throw ConfigurationError("\(key)=\(text.debugDescription): expected full, redacted or metadata-only")
            }
            return capture
        }
        if let text = value(Key.contentCapture) { self.capture = try capture(text, Key.contentCapture) }
        if let text = value(Key.contentCaptureByUsageType) {
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw ConfigurationError(
                        "\(Key.contentCaptureByUsageType)=\(text.debugDescription): expected usage_type=capture pairs")
                }
                captureByUsageType[parts[0]] = try capture(parts[1], Key.contentCaptureByUsageType)
            }
        }
        if let text = value(Key.redactPatterns) {
            switch text.lowercased() {
            case "all": patterns = Set(Pattern.allCases)
            case "none": patterns = []
            default:
                var chosen: Set<Pattern> = []
                for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    guard let pattern = Pattern(rawValue: name) else {
                        let known = Pattern.allCases.map(\.rawValue).joined(separator: ", ")
                        throw ConfigurationError(
                            "\(Key.redactPatterns): unknown pattern \(name.debugDescription) (all, none, or: \(known))")
                    }
                    chosen.insert(pattern)
                }
                patterns = chosen
            }
        }
        if let path = value(Key.redactCustomFile) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(
                    "\(Key.redactCustomFile)=\(path.debugDescription): cannot read the file", kind: .unreadableFile)
            }
            customPatterns += text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        }
        if let text = value(Key.maxContentBytes) {
            guard let limit = Int(text), limit >= 1 else {
                throw ConfigurationError("\(Key.maxContentBytes)=\(text.debugDescription): expected an integer ≥ 1")
            }
            maxContentBytes = limit
        }
    }
}
