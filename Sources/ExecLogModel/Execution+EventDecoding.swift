import Foundation

extension Execution {
    /// Reads an event from its parsed JSON, as the wire protocol defines it (docs/PROTOCOL.md §3):
    /// unknown keys are ignored, `null` is the same as absent for optional fields and an error for
    /// required ones, integers may be written `12.0` or `1e3` but not `12.5`, and a missing `created_at`
    /// means `receivedAt`. Checks types only; `validate()` checks the limits.
    ///
    /// Reads the tree `JSONValue.parse` built, so each event is parsed once, in linear time.
    init(event: JSONValue, receivedAt: Date) throws(ExecutionError) {
        guard case .object(let members) = event else {
            throw ExecutionError(field: nil, "an event must be a JSON object")
        }
        let reader = JSONFieldReader(fields: members)
        self.init(id: Self.placeholderID, usageType: "", provider: "", modelName: "", createdAt: receivedAt)
        for field in Self.fields { try read(field, from: reader) }
    }

    /// Where a decoded event starts, before its fields are read: no clock, no random bits.
    public static let placeholderID = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    private mutating func read(_ field: ExecutionField, from reader: JSONFieldReader) throws(ExecutionError) {
        let key = field.key
        switch field.kind {
        case .id:
            id = try Self.uuid(try reader.requiredString(key), field: key)
        case .uuid(let path):
            if let text = try reader.string(key) { self[keyPath: path] = try Self.uuid(text, field: key) }
        case .requiredText(let path, _):
            self[keyPath: path] = try reader.requiredString(key)
        case .text(let path, _):
            self[keyPath: path] = try reader.string(key)
        case .count(let path):
            self[keyPath: path] = try reader.integer(key)
        case .number(let path):
            self[keyPath: path] = try reader.number(key)
        case .messages:
            // Any JSON value here; validate() requires an array (and says so, also for null).
            guard let messages = reader.fields[key] else { throw ExecutionError(field: key, "required field is missing") }
            inputMessages = messages
        case .object(let path):
            let value = reader.fields[key]
            self[keyPath: path] = value == .null ? nil : value
        case .time:
            if let date = try reader.time(key) { createdAt = date }
        case .tags:
            tags = try reader.strings(key) ?? []
        }
    }

    private static func uuid(_ text: String, field: String) throws(ExecutionError) -> UUID {
        guard let uuid = UUID(canonical: text) else { throw ExecutionError(field: field, notAUUID(text)) }
        return uuid
    }
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
