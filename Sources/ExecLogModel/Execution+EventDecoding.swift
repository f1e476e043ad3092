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
        self.init(id: Self.placeholderID, usageType: "", provider: "", modelName: "", createdAt: receivedAt)
        var reader = EventFieldReader(reader: JSONFieldReader(fields: members))
        try visitFields(&reader)
    }
}

/// Reads each field from the event's members, by its kind.
private struct EventFieldReader: ExecutionFieldVisitor {
    typealias Failure = ExecutionError
    let reader: JSONFieldReader

    mutating func id(_ name: StaticString, _ value: inout UUID) throws(ExecutionError) {
        let key = name.description
        value = try Self.uuid(try reader.requiredString(key), field: key)
    }

    mutating func uuid(_ name: StaticString, _ value: inout UUID?) throws(ExecutionError) {
        let key = name.description
        if let text = try reader.string(key) { value = try Self.uuid(text, field: key) }
    }

    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) throws(ExecutionError) {
        value = try reader.requiredString(name.description)
    }

    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) throws(ExecutionError) {
        value = try reader.string(name.description)
    }

    mutating func count(_ name: StaticString, _ value: inout Int?) throws(ExecutionError) {
        value = try reader.integer(name.description)
    }

    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) throws(ExecutionError) {
        value = try reader.number(name.description)
    }

    /// Absent: left as it is, the time the event was received.
    mutating func time(_ name: StaticString, _ value: inout Date) throws(ExecutionError) {
        if let date = try reader.time(name.description) { value = date }
    }

    mutating func tags(_ name: StaticString, _ value: inout [String]) throws(ExecutionError) {
        value = try reader.strings(name.description) ?? []
    }

    mutating func object(_ name: StaticString, _ value: inout JSONValue?) throws(ExecutionError) {
        let member = reader.fields[name.description]
        value = member == .null ? nil : member
    }

    /// Any JSON value here; `validate()` requires an array (and says so, also for null).
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) throws(ExecutionError) {
        let key = name.description
        guard let member = reader.fields[key] else { throw ExecutionError(field: key, "required field is missing") }
        value = member
    }

    private static func uuid(_ text: String, field: String) throws(ExecutionError) -> UUID {
        guard let uuid = UUID(canonical: text) else { throw ExecutionError(field: field, Execution.notAUUID(text)) }
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
