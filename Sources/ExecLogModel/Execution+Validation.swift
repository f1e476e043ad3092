extension Execution {
    /// Limits every stored execution satisfies; the wire protocol rejects events beyond them.
    public enum Limits {
        public static let usageType = 1...50
        public static let provider = 1...50
        public static let modelName = 1...100
        public static let finishReason = 0...50
        public static let identifier = 0...200
        public static let tagCount = 0...64
        public static let tagLength = 1...100
    }

    /// Checks the limits and the shapes the store relies on. Lengths count Unicode scalars.
    public func validate() throws(ExecutionError) {
        try Self.checkLength(usageType, Limits.usageType, "usage_type")
        try Self.checkLength(provider, Limits.provider, "provider")
        try Self.checkLength(modelName, Limits.modelName, "model_name")
        guard inputMessages.isArray else { throw ExecutionError(field: "input_messages", "expected an array") }
        if let executionMetadata, !executionMetadata.isObject {
            throw ExecutionError(field: "execution_metadata", "expected an object")
        }
        for (value, field) in [
            (inputTokens, "input_tokens"), (outputTokens, "output_tokens"), (totalTokens, "total_tokens"),
            (maxTokens, "max_tokens"), (executionTimeMs, "execution_time_ms"),
            (cachedInputTokens, "cached_input_tokens"), (timeToFirstTokenMs, "time_to_first_token_ms"),
        ] {
            if let value, value < 0 { throw ExecutionError(field: field, "must not be negative") }
        }
        if let temperature, !temperature.isFinite || temperature < 0 {
            throw ExecutionError(field: "temperature", "must be a finite number ≥ 0")
        }
        if let finishReason { try Self.checkLength(finishReason, Limits.finishReason, "finish_reason") }
        for (value, field) in [(traceID, "trace_id"), (sessionID, "session_id"), (userID, "user_id")] {
            if let value { try Self.checkLength(value, Limits.identifier, field) }
        }
        guard Limits.tagCount.contains(tags.count) else {
            throw ExecutionError(field: "tags", "at most \(Limits.tagCount.upperBound) tags")
        }
        for (index, tag) in tags.enumerated() {
            try Self.checkLength(tag, Limits.tagLength, "tags.[\(index)]")
        }
    }

    /// Also refuses NUL in these short, identifier-like fields: SQLite's C API would cut the text there.
    private static func checkLength(_ value: String, _ limit: ClosedRange<Int>, _ field: String) throws(ExecutionError) {
        if value.utf8.contains(0) { throw ExecutionError(field: field, "must not contain a NUL character") }
        let count = value.unicodeScalars.count
        guard limit.contains(count) else {
            throw ExecutionError(
                field: field,
                count == 0 ? "must not be empty" : "\(count) characters, more than \(limit.upperBound)")
        }
    }
}
