import Foundation

extension Execution {
    /// Reads an event from its parsed JSON, as the wire protocol defines it (docs/PROTOCOL.md §3):
    /// unknown keys are ignored, `null` is the same as absent for optional fields and an error for
    /// required ones, integers may be written `12.0` or `1e3` but not `12.5`, and a missing `created_at`
    /// means `receivedAt`. Checks types only; `validate()` checks the limits.
    ///
    /// Reads the tree `JSONValue.parse` built, so each event is parsed once, in linear time.
    init(event: JSONValue, receivedAt: Date) throws(ExecutionError) {
        guard case .object(let fields) = event else {
            throw ExecutionError(field: nil, "an event must be a JSON object")
        }
        let reader = EventReader(fields: fields)
        let idText = try reader.requiredString("id")
        guard let id = UUID(canonical: idText) else {
            throw ExecutionError(field: "id", Self.notAUUID(idText))
        }
        self.id = id
        if let modelID = try reader.string("ai_model_id") {
            guard let uuid = UUID(canonical: modelID) else {
                throw ExecutionError(field: "ai_model_id", Self.notAUUID(modelID))
            }
            aiModelID = uuid
        } else {
            aiModelID = nil
        }
        usageType = try reader.requiredString("usage_type")
        // Any JSON value here; validate() requires an array (and says so, also for null).
        guard let messages = fields["input_messages"] else {
            throw ExecutionError(field: "input_messages", "required field is missing")
        }
        inputMessages = messages
        systemPrompt = try reader.string("system_prompt")
        responseContent = try reader.string("response_content")
        inputTokens = try reader.integer("input_tokens")
        outputTokens = try reader.integer("output_tokens")
        totalTokens = try reader.integer("total_tokens")
        provider = try reader.requiredString("provider")
        modelName = try reader.requiredString("model_name")
        temperature = try reader.number("temperature")
        maxTokens = try reader.integer("max_tokens")
        let metadata = fields["execution_metadata"]
        executionMetadata = metadata == .null ? nil : metadata
        errorMessage = try reader.string("error_message")
        executionTimeMs = try reader.integer("execution_time_ms")
        if let created = try reader.string("created_at") {
            guard let date = Timestamp.parse(created) else {
                throw ExecutionError(
                    field: "created_at", "not an RFC 3339 time with a zone: \(created.prefix(40).debugDescription)")
            }
            createdAt = date
        } else {
            createdAt = receivedAt
        }
        traceID = try reader.string("trace_id")
        sessionID = try reader.string("session_id")
        userID = try reader.string("user_id")
        tags = try reader.strings("tags") ?? []
        cachedInputTokens = try reader.integer("cached_input_tokens")
        finishReason = try reader.string("finish_reason")
        timeToFirstTokenMs = try reader.integer("time_to_first_token_ms")
    }
}

/// Typed access to an event's fields, with the protocol's one-line reasons.
private struct EventReader {
    let fields: [String: JSONValue]

    /// Nil when absent or null.
    private func present(_ key: String) -> JSONValue? {
        guard let value = fields[key], value != .null else { return nil }
        return value
    }

    func requiredString(_ key: String) throws(ExecutionError) -> String {
        guard let value = fields[key] else { throw ExecutionError(field: key, "required field is missing") }
        guard value != .null else { throw ExecutionError(field: key, "must not be null (expected a string)") }
        guard case .string(let text) = value else { throw ExecutionError(field: key, "expected a string") }
        return text
    }

    func string(_ key: String) throws(ExecutionError) -> String? {
        guard let value = present(key) else { return nil }
        guard case .string(let text) = value else { throw ExecutionError(field: key, "expected a string") }
        return text
    }

    /// A JSON number with an integer value in the signed 64-bit range (the parser reads `12.0` and
    /// `1e3` as integers already).
    func integer(_ key: String) throws(ExecutionError) -> Int? {
        guard let value = present(key) else { return nil }
        guard case .int(let number) = value else { throw ExecutionError(field: key, "expected an integer") }
        return Int(number)
    }

    func number(_ key: String) throws(ExecutionError) -> Double? {
        switch present(key) {
        case nil: return nil
        case .int(let number)?: return Double(number)
        case .double(let number)?: return number
        default: throw ExecutionError(field: key, "expected a number")
        }
    }

    func strings(_ key: String) throws(ExecutionError) -> [String]? {
        guard let value = present(key) else { return nil }
        guard case .array(let elements) = value else { throw ExecutionError(field: key, "expected an array of strings") }
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                throw ExecutionError(
                    field: "\(key).[\(index)]", element == .null ? "must not be null (expected a string)" : "expected a string")
            }
            result.append(text)
        }
        return result
    }
}
