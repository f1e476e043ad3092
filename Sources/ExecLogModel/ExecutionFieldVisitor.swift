import Foundation

/// Something done to every field of an execution: read it from an event, check it, write it as JSON,
/// bind it to the store's insert, read it from a row. `Execution.visitFields` calls one method per field,
/// by the field's kind, with its name (the same on the wire, in reports and as the store's column) and
/// the property itself.
///
/// That one function is the event's schema: a new field is one line there (plus its column's
/// migration). It is generic, so every visitor is compiled to direct code, with no dynamic dispatch
/// or key path per field: the writer decodes and every emitter encodes each event through it.
public protocol ExecutionFieldVisitor {
    associatedtype Failure: Error

    /// `id`: a UUID, required.
    mutating func id(_ name: StaticString, _ value: inout UUID) throws(Failure)
    /// An optional UUID (`ai_model_id`).
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) throws(Failure)
    /// A required string of `length` Unicode scalars, without NUL.
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) throws(Failure)
    /// An optional string: with `length`, of that many scalars and without NUL; else free text (bounded by
    /// the writer's byte limits, stored with NUL as U+FFFD).
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) throws(Failure)
    /// An optional integer ≥ 0.
    mutating func count(_ name: StaticString, _ value: inout Int?) throws(Failure)
    /// An optional finite number within `range`.
    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) throws(Failure)
    /// `created_at`: an RFC 3339 time with a zone; absent on the wire means the time it was received.
    mutating func time(_ name: StaticString, _ value: inout Date) throws(Failure)
    /// `tags`: at most `Execution.Limits.tagCount` strings of `tagLength`; `[]` is absent.
    mutating func tags(_ name: StaticString, _ value: inout [String]) throws(Failure)
    /// An optional JSON object (`execution_metadata`); `null` is absent.
    mutating func object(_ name: StaticString, _ value: inout JSONValue?) throws(Failure)
    /// `input_messages`: required, a JSON array.
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) throws(Failure)
}

extension Execution {
    /// Every field, in the order the wire writes them (long content last, so that the first bytes of an
    /// event hold its id and usage type).
    @inlinable
    public mutating func visitFields<Visitor: ExecutionFieldVisitor>(_ visitor: inout Visitor) throws(Visitor.Failure) {
        try visitor.id("id", &id)
        try visitor.uuid("ai_model_id", &aiModelID)
        try visitor.requiredText("usage_type", &usageType, length: Limits.usageType)
        try visitor.requiredText("provider", &provider, length: Limits.provider)
        try visitor.requiredText("model_name", &modelName, length: Limits.modelName)
        try visitor.time("created_at", &createdAt)
        try visitor.count("input_tokens", &inputTokens)
        try visitor.count("output_tokens", &outputTokens)
        try visitor.count("total_tokens", &totalTokens)
        try visitor.count("cached_input_tokens", &cachedInputTokens)
        try visitor.count("cache_creation_input_tokens", &cacheCreationInputTokens)
        try visitor.count("reasoning_tokens", &reasoningTokens)
        try visitor.number("cost_usd", &costUSD, range: Limits.costUSD)
        try visitor.count("execution_time_ms", &executionTimeMs)
        try visitor.count("time_to_first_token_ms", &timeToFirstTokenMs)
        try visitor.number("temperature", &temperature, range: Limits.temperature)
        try visitor.count("max_tokens", &maxTokens)
        try visitor.text("finish_reason", &finishReason, length: Limits.finishReason)
        try visitor.text("error_message", &errorMessage, length: nil)
        try visitor.text("trace_id", &traceID, length: Limits.identifier)
        try visitor.text("session_id", &sessionID, length: Limits.identifier)
        try visitor.text("user_id", &userID, length: Limits.identifier)
        try visitor.tags("tags", &tags)
        try visitor.object("execution_metadata", &executionMetadata)
        try visitor.text("system_prompt", &systemPrompt, length: nil)
        try visitor.messages("input_messages", &inputMessages)
        try visitor.text("response_content", &responseContent, length: nil)
    }

    /// The same for a visitor that only reads (writers of JSON, the store's insert): the execution is
    /// passed as a copy, whose storage is shared, not copied.
    @inlinable
    public func visitFieldValues<Visitor: ExecutionFieldVisitor>(_ visitor: inout Visitor) throws(Visitor.Failure) {
        var copy = self
        try copy.visitFields(&visitor)
    }

    /// Every field's name, in the wire's order: the keys of `jsonObject(includeNulls: true)`, the columns
    /// of `ai_executions_full`.
    public static let fieldNames: [String] = {
        var names = FieldNames()
        Execution(id: placeholderID, usageType: "", provider: "", modelName: "").visitFieldValues(&names)
        return names.names
    }()

    /// Where an execution being read starts, before its fields are: no clock, no random bits.
    public static let placeholderID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}

/// A visitor that only collects the names.
private struct FieldNames: ExecutionFieldVisitor {
    typealias Failure = Never
    var names: [String] = []
    mutating func add(_ name: StaticString) { names.append(name.description) }
    mutating func id(_ name: StaticString, _ value: inout UUID) { add(name) }
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) { add(name) }
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) { add(name) }
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) { add(name) }
    mutating func count(_ name: StaticString, _ value: inout Int?) { add(name) }
    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) { add(name) }
    mutating func time(_ name: StaticString, _ value: inout Date) { add(name) }
    mutating func tags(_ name: StaticString, _ value: inout [String]) { add(name) }
    mutating func object(_ name: StaticString, _ value: inout JSONValue?) { add(name) }
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) { add(name) }
}
