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
        guard let id = UUID(canonical: idText) else {
            throw ExecutionError(field: "id", Self.notAUUID(idText))
        }
        self.id = id
        if let modelID = try container.decodeIfPresent(String.self, forKey: .aiModelID) {
            guard let uuid = UUID(canonical: modelID) else {
                throw ExecutionError(field: "ai_model_id", Self.notAUUID(modelID))
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

    /// Encodes every field (`forEachField`); absent ones as `null` when the encoder's user info holds
    /// `Execution.includeNullsKey: true` (reports), else they are left out (the wire, where bytes count).
    public func encode(to encoder: any Encoder) throws {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        var container = encoder.container(keyedBy: Key.self)
        let includeNulls = encoder.userInfo[Execution.includeNullsKey] as? Bool ?? false
        var failure: (any Error)?
        forEachField { name, value in
            guard failure == nil else { return }
            let key = Key(stringValue: name.description)
            do {
                if let value {
                    try container.encode(value, forKey: key)
                } else if includeNulls {
                    try key.stringValue == "tags" ? container.encode([String](), forKey: key) : container.encodeNil(forKey: key)
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
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
            throw ExecutionError(field: error.field, "\(error.reason) at byte \(error.offset)")
        }
        let execution = try Execution(event: document, receivedAt: receivedAt)
        try execution.validate()
        try limits?.checkFields(of: execution, eventBytes: json.count)
        return execution
    }
}
