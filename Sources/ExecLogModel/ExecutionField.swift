import Foundation

/// One field of an execution: its name (the same on the wire, in reports and as the store's column),
/// what kind of value it holds, where it lives in `Execution`, and its limits.
///
/// `Execution.fields` lists them all, once. The event decoder, the JSON writers (`forEachField`), the
/// validation, the store's insert and its reads all walk that list, so that a new field is one entry
/// there (plus its column's migration).
public struct ExecutionField: Sendable {
    public enum Kind: Sendable {
        /// `id`: a UUID, required.
        case id
        /// A UUID, optional (`ai_model_id`).
        case uuid(WritableKeyPath<Execution, UUID?> & Sendable)
        /// A required string of `length` Unicode scalars, without NUL.
        case requiredText(WritableKeyPath<Execution, String> & Sendable, length: ClosedRange<Int>)
        /// An optional string; with `length`, of that many scalars and without NUL, else free text
        /// (bounded by the writer's byte limits; stored with NUL as U+FFFD).
        case text(WritableKeyPath<Execution, String?> & Sendable, length: ClosedRange<Int>?)
        /// An optional integer ≥ 0.
        case count(WritableKeyPath<Execution, Int?> & Sendable)
        /// An optional finite number ≥ 0.
        case number(WritableKeyPath<Execution, Double?> & Sendable)
        /// `input_messages`: required, a JSON array.
        case messages
        /// An optional JSON object (`execution_metadata`); `null` is absent.
        case object(WritableKeyPath<Execution, JSONValue?> & Sendable)
        /// `created_at`: an RFC 3339 time with a zone; absent means the time the writer received it.
        case time
        /// `tags`: strings of `Execution.Limits.tagLength`, at most `tagCount`; `[]` is absent.
        case tags
    }

    public let name: StaticString
    public let kind: Kind
    /// The name as a `String`, made once, for lookups by name.
    public let key: String

    init(name: StaticString, kind: Kind) {
        self.name = name
        self.kind = kind
        key = name.description
    }
}

extension Execution {
    /// Every field, in the order the wire writes them (long content last, so that a reader of the first
    /// bytes sees the id and the usage type).
    public static let fields: [ExecutionField] = [
        ExecutionField(name: "id", kind: .id),
        ExecutionField(name: "ai_model_id", kind: .uuid(\.aiModelID)),
        ExecutionField(name: "usage_type", kind: .requiredText(\.usageType, length: Limits.usageType)),
        ExecutionField(name: "provider", kind: .requiredText(\.provider, length: Limits.provider)),
        ExecutionField(name: "model_name", kind: .requiredText(\.modelName, length: Limits.modelName)),
        ExecutionField(name: "created_at", kind: .time),
        ExecutionField(name: "input_tokens", kind: .count(\.inputTokens)),
        ExecutionField(name: "output_tokens", kind: .count(\.outputTokens)),
        ExecutionField(name: "total_tokens", kind: .count(\.totalTokens)),
        ExecutionField(name: "cached_input_tokens", kind: .count(\.cachedInputTokens)),
        ExecutionField(name: "execution_time_ms", kind: .count(\.executionTimeMs)),
        ExecutionField(name: "time_to_first_token_ms", kind: .count(\.timeToFirstTokenMs)),
        ExecutionField(name: "temperature", kind: .number(\.temperature)),
        ExecutionField(name: "max_tokens", kind: .count(\.maxTokens)),
        ExecutionField(name: "finish_reason", kind: .text(\.finishReason, length: Limits.finishReason)),
        ExecutionField(name: "error_message", kind: .text(\.errorMessage, length: nil)),
        ExecutionField(name: "trace_id", kind: .text(\.traceID, length: Limits.identifier)),
        ExecutionField(name: "session_id", kind: .text(\.sessionID, length: Limits.identifier)),
        ExecutionField(name: "user_id", kind: .text(\.userID, length: Limits.identifier)),
        ExecutionField(name: "tags", kind: .tags),
        ExecutionField(name: "execution_metadata", kind: .object(\.executionMetadata)),
        ExecutionField(name: "system_prompt", kind: .text(\.systemPrompt, length: nil)),
        ExecutionField(name: "input_messages", kind: .messages),
        ExecutionField(name: "response_content", kind: .text(\.responseContent, length: nil)),
    ]

    /// Every field's name, in the wire's order: the keys of `jsonObject(includeNulls: true)`, the
    /// columns of `ai_executions_full`.
    public static let fieldNames = fields.map(\.key)

    /// The field's value as JSON writes it; nil when absent (no tags counts as absent).
    public func value(of field: ExecutionField) -> JSONValue? {
        switch field.kind {
        case .id: .string(idString)
        case .uuid(let path): self[keyPath: path].map { .string($0.uuidString.lowercased()) }
        case .requiredText(let path, _): .string(self[keyPath: path])
        case .text(let path, _): self[keyPath: path].map(JSONValue.string)
        case .count(let path): self[keyPath: path].map { .int(Int64($0)) }
        case .number(let path): self[keyPath: path].map(JSONValue.double)
        case .messages: inputMessages
        case .object(let path): self[keyPath: path]
        case .time: .string(Timestamp.format(createdAt))
        case .tags: tags.isEmpty ? nil : .array(tags.map(JSONValue.string))
        }
    }

    /// Every field under its name, in the wire's order, nil for an absent one: the one walk behind the
    /// wire form, the reports and the store's insert.
    public func forEachField(_ body: (_ name: StaticString, _ value: JSONValue?) -> Void) {
        for field in Self.fields { body(field.name, value(of: field)) }
    }
}
