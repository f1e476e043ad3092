import Foundation

extension Execution {
    /// Every field under its JSON name, in the order the wire writes them, nil for an absent one (no
    /// tags counts as absent). The one list behind the wire form, the reports and `Encodable`.
    func forEachField(_ body: (_ name: StaticString, _ value: JSONValue?) -> Void) {
        func string(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }
        func integer(_ value: Int?) -> JSONValue? { value.map { .int(Int64($0)) } }
        body("id", .string(idString))
        body("ai_model_id", string(aiModelID?.uuidString.lowercased()))
        body("usage_type", .string(usageType))
        body("provider", .string(provider))
        body("model_name", .string(modelName))
        body("created_at", .string(Timestamp.format(createdAt)))
        body("input_tokens", integer(inputTokens))
        body("output_tokens", integer(outputTokens))
        body("total_tokens", integer(totalTokens))
        body("cached_input_tokens", integer(cachedInputTokens))
        body("execution_time_ms", integer(executionTimeMs))
        body("time_to_first_token_ms", integer(timeToFirstTokenMs))
        body("temperature", temperature.map(JSONValue.double))
        body("max_tokens", integer(maxTokens))
        body("finish_reason", string(finishReason))
        body("error_message", string(errorMessage))
        body("trace_id", string(traceID))
        body("session_id", string(sessionID))
        body("user_id", string(userID))
        body("tags", tags.isEmpty ? nil : .array(tags.map(JSONValue.string)))
        body("execution_metadata", executionMetadata)
        body("system_prompt", string(systemPrompt))
        body("input_messages", inputMessages)
        body("response_content", string(responseContent))
    }

    /// The execution as one JSON object. With `includeNulls`, every field is there, an absent one as
    /// `null` (no tags as `[]`): the form of reports (`execlog show --json`, the REST detail).
    public func jsonObject(includeNulls: Bool) -> JSONValue {
        var members: [String: JSONValue] = [:]
        forEachField { name, value in
            let key = name.description
            if let value {
                members[key] = value
            } else if includeNulls {
                members[key] = key == "tags" ? .array([]) : .null
            }
        }
        return .object(members)
    }

    /// The JSON form of this execution: compact without nulls (the wire), or with every field (reports),
    /// pretty (indented, keys sorted) or compact. Written by hand, so it cannot fail, however deep the
    /// messages or metadata (any depth the writer accepts).
    public func jsonData(pretty: Bool = false, includeNulls: Bool = false) -> Data {
        if !pretty, !includeNulls { return Data(wireJSON()) }
        let object = jsonObject(includeNulls: includeNulls)
        return Data(pretty ? object.prettySerializedBytes() : object.serializedBytes())
    }
}
