import Foundation

extension Execution: Codable {
    /// The JSON field names: the same snake_case names as the store's columns.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case aiModelID = "ai_model_id"
        case usageType = "usage_type"
        case inputMessages = "input_messages"
        case systemPrompt = "system_prompt"
        case responseContent = "response_content"
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case totalTokens = "total_tokens"
        case provider
        case modelName = "model_name"
        case temperature
        case maxTokens = "max_tokens"
        case executionMetadata = "execution_metadata"
        case errorMessage = "error_message"
        case executionTimeMs = "execution_time_ms"
        case createdAt = "created_at"
        case traceID = "trace_id"
        case sessionID = "session_id"
        case userID = "user_id"
        case tags
        case cachedInputTokens = "cached_input_tokens"
        case finishReason = "finish_reason"
        case timeToFirstTokenMs = "time_to_first_token_ms"
    }

    /// Decodes an event as the wire protocol defines it: unknown fields are ignored (forward compatibility),
    /// a missing `created_at` means `Execution.receivedAtKey` from the decoder's user info (else now).
    /// Decoding checks types only; call `validate()` for the limits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let idText = try container.decode(String.self, forKey: .id)
        guard let id = UUID(uuidString: idText) else {
            throw ExecutionError(field: "id", "not a UUID: \(idText.prefix(40).debugDescription)")
        }
        self.id = id
        if let modelID = try container.decodeIfPresent(String.self, forKey: .aiModelID) {
            guard let uuid = UUID(uuidString: modelID) else {
                throw ExecutionError(field: "ai_model_id", "not a UUID: \(modelID.prefix(40).debugDescription)")
            }
            aiModelID = uuid
        } else {
            aiModelID = nil
        }
        usageType = try container.decode(String.self, forKey: .usageType)
        inputMessages = try container.decode(JSONValue.self, forKey: .inputMessages)
        systemPrompt = try container.decodeIfPresent(String.self, forKey: .systemPrompt)
        responseContent = try container.decodeIfPresent(String.self, forKey: .responseContent)
        inputTokens = try container.decodeIfPresent(Int.self, forKey: .inputTokens)
        outputTokens = try container.decodeIfPresent(Int.self, forKey: .outputTokens)
        totalTokens = try container.decodeIfPresent(Int.self, forKey: .totalTokens)
        provider = try container.decode(String.self, forKey: .provider)
        modelName = try container.decode(String.self, forKey: .modelName)
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature)
        maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens)
        let metadata = try container.decodeIfPresent(JSONValue.self, forKey: .executionMetadata)
        executionMetadata = metadata == .null ? nil : metadata
        errorMessage = try container.decodeIfPresent(String.self, forKey: .errorMessage)
        executionTimeMs = try container.decodeIfPresent(Int.self, forKey: .executionTimeMs)
        if let created = try container.decodeIfPresent(String.self, forKey: .createdAt) {
            guard let date = Timestamp.parse(created) else {
                throw ExecutionError(
                    field: "created_at", "not an RFC 3339 time with a zone: \(created.prefix(40).debugDescription)")
            }
            createdAt = date
        } else {
            createdAt = decoder.userInfo[Execution.receivedAtKey] as? Date ?? Date()
        }
        traceID = try container.decodeIfPresent(String.self, forKey: .traceID)
        sessionID = try container.decodeIfPresent(String.self, forKey: .sessionID)
        userID = try container.decodeIfPresent(String.self, forKey: .userID)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        cachedInputTokens = try container.decodeIfPresent(Int.self, forKey: .cachedInputTokens)
        finishReason = try container.decodeIfPresent(String.self, forKey: .finishReason)
        timeToFirstTokenMs = try container.decodeIfPresent(Int.self, forKey: .timeToFirstTokenMs)
    }

    /// Encodes every field; absent ones as `null` when the encoder's user info holds
    /// `Execution.includeNullsKey: true` (reports), else they are left out (the wire, where bytes count).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let includeNulls = encoder.userInfo[Execution.includeNullsKey] as? Bool ?? false
        func put<Value: Encodable>(_ value: Value?, _ key: CodingKeys) throws {
            if let value {
                try container.encode(value, forKey: key)
            } else if includeNulls {
                try container.encodeNil(forKey: key)
            }
        }
        try container.encode(idString, forKey: .id)
        try put(aiModelID?.uuidString.lowercased(), .aiModelID)
        try container.encode(usageType, forKey: .usageType)
        try put(provider, .provider)
        try put(modelName, .modelName)
        try put(Timestamp.format(createdAt), .createdAt)
        try put(inputTokens, .inputTokens)
        try put(outputTokens, .outputTokens)
        try put(totalTokens, .totalTokens)
        try put(cachedInputTokens, .cachedInputTokens)
        try put(executionTimeMs, .executionTimeMs)
        try put(timeToFirstTokenMs, .timeToFirstTokenMs)
        try put(temperature, .temperature)
        try put(maxTokens, .maxTokens)
        try put(finishReason, .finishReason)
        try put(errorMessage, .errorMessage)
        try put(traceID, .traceID)
        try put(sessionID, .sessionID)
        try put(userID, .userID)
        if !tags.isEmpty || includeNulls { try container.encode(tags, forKey: .tags) }
        try put(executionMetadata, .executionMetadata)
        try put(systemPrompt, .systemPrompt)
        try container.encode(inputMessages, forKey: .inputMessages)
        try put(responseContent, .responseContent)
    }

    /// User-info key: the `Date` an event was received, used when it has no `created_at`.
    public static let receivedAtKey = CodingUserInfoKey(rawValue: "execlog.receivedAt")!
    /// User-info key: `true` to write absent fields as `null`.
    public static let includeNullsKey = CodingUserInfoKey(rawValue: "execlog.includeNulls")!
}

extension Execution {
    /// Decodes and validates one event from its JSON bytes, with a one-line reason when it is not valid.
    /// `limits` adds a writer's byte limits; nil checks the protocol's field limits only.
    public static func decodeEvent(
        _ json: some DataProtocol, receivedAt: Date = Date(), limits: EventSizeLimits? = nil
    ) throws(ExecutionError) -> Execution {
        try limits?.checkEvent(bytes: json.count)
        // Parsed once, in linear time, then read field by field from the tree (no Foundation decoder: it
        // would parse the bytes a second time, and it costs several times more).
        let document: JSONValue
        do {
            document = try JSONValue.parse(json)
        } catch {
            throw ExecutionError(field: nil, "invalid JSON")
        }
        let execution = try Execution(event: document, receivedAt: receivedAt)
        try execution.validate()
        try limits?.checkFields(of: execution, eventBytes: json.count)
        return execution
    }

    /// The JSON form of this execution: compact without nulls (the wire), or pretty with every field (reports).
    public func jsonData(pretty: Bool = false, includeNulls: Bool = false) -> Data {
        if !pretty, !includeNulls { return Data(wireJSON()) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        encoder.userInfo[Execution.includeNullsKey] = includeNulls
        // Encoding plain values cannot fail; a failure here would be a bug in this file.
        return try! encoder.encode(self)
    }
}

extension ExecutionError {
    /// Turns Foundation's multi-line decoding errors into one line that names the field.
    init(_ error: DecodingError) {
        func fieldName(_ path: [any CodingKey]) -> String? {
            path.isEmpty ? nil : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: fieldName(context.codingPath + [key]), "required field is missing")
        case .valueNotFound(let type, let context):
            self.init(field: fieldName(context.codingPath), "must not be null (expected \(Self.typeName(type)))")
        case .typeMismatch(let type, let context):
            if let field = fieldName(context.codingPath) {
                self.init(field: field, "expected \(Self.typeName(type))")
            } else {
                self.init(field: nil, "an event must be a JSON object")
            }
        case .dataCorrupted(let context):
            if let field = fieldName(context.codingPath) {
                self.init(field: field, "invalid value")
            } else {
                self.init(field: nil, "invalid JSON")
            }
        @unknown default:
            self.init(field: nil, "invalid JSON")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [String].Type: "an array of strings"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "a JSON object"
        }
    }
}
