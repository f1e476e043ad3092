extension Execution {
    /// The event as the wire carries it: compact JSON, absent fields left out. Written by hand over
    /// UTF-8 bytes because every worker's sender thread runs it for every execution, and JSONEncoder
    /// costs several times more. Decodes to the same execution (`decodeEvent`).
    public func wireJSON() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(
            384 + (systemPrompt?.utf8.count ?? 0) + (responseContent?.utf8.count ?? 0) + (errorMessage?.utf8.count ?? 0))
        var writer = ObjectWriter(output: output)
        writer.string("id", idString)
        writer.string("ai_model_id", aiModelID?.uuidString.lowercased())
        writer.string("usage_type", usageType)
        writer.string("provider", provider)
        writer.string("model_name", modelName)
        writer.string("created_at", Timestamp.format(createdAt))
        writer.integer("input_tokens", inputTokens)
        writer.integer("output_tokens", outputTokens)
        writer.integer("total_tokens", totalTokens)
        writer.integer("cached_input_tokens", cachedInputTokens)
        writer.integer("execution_time_ms", executionTimeMs)
        writer.integer("time_to_first_token_ms", timeToFirstTokenMs)
        if let temperature { writer.value("temperature", .double(temperature)) }
        writer.integer("max_tokens", maxTokens)
        writer.string("finish_reason", finishReason)
        writer.string("error_message", errorMessage)
        writer.string("trace_id", traceID)
        writer.string("session_id", sessionID)
        writer.string("user_id", userID)
        if !tags.isEmpty { writer.value("tags", .array(tags.map(JSONValue.string))) }
        if let executionMetadata { writer.value("execution_metadata", executionMetadata) }
        writer.string("system_prompt", systemPrompt)
        writer.value("input_messages", inputMessages)
        writer.string("response_content", responseContent)
        return writer.finish()
    }
}

/// Appends `"key":value` members to a JSON object.
private struct ObjectWriter {
    var output: [UInt8]
    private var first = true

    init(output: [UInt8]) {
        self.output = output
        self.output.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: StaticString) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        output.append(UInt8(ascii: "\""))
        output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        output.append(contentsOf: "\":".utf8)
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONValue.appendQuoted(value, to: &output)
    }

    mutating func integer(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        output.append(contentsOf: String(value).utf8)
    }

    mutating func value(_ name: StaticString, _ value: JSONValue) {
        key(name)
        value.append(to: &output)
    }

    mutating func finish() -> [UInt8] {
        output.append(UInt8(ascii: "}"))
        return output
    }
}
