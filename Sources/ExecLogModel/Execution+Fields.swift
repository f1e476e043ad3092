import Foundation

extension Execution {
    /// The execution as one JSON object. With `includeNulls`, every field is there, an absent one as
    /// `null` (no tags as `[]`): the form of reports (`execlog show --json`, the REST detail).
    public func jsonObject(includeNulls: Bool) -> JSONValue {
        var builder = JSONObjectBuilder(includeNulls: includeNulls)
        visitFieldValues(&builder)
        return .object(builder.members)
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

/// Each field as its JSON value, under its name.
private struct JSONObjectBuilder: ExecutionFieldVisitor {
    typealias Failure = Never
    let includeNulls: Bool
    var members: [String: JSONValue] = [:]

    private mutating func put(_ name: StaticString, _ value: JSONValue?, absent: JSONValue = .null) {
        if let value {
            members[name.description] = value
        } else if includeNulls {
            members[name.description] = absent
        }
    }

    mutating func id(_ name: StaticString, _ value: inout UUID) { put(name, .string(value.canonicalString)) }
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) { put(name, value.map { .string($0.canonicalString) }) }
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) { put(name, .string(value)) }
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) { put(name, value.map(JSONValue.string)) }
    mutating func count(_ name: StaticString, _ value: inout Int?) { put(name, value.map { .int(Int64($0)) }) }
    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) { put(name, value.map(JSONValue.double)) }
    mutating func time(_ name: StaticString, _ value: inout Date) { put(name, .string(Timestamp.format(value))) }
    mutating func tags(_ name: StaticString, _ value: inout [String]) {
        put(name, value.isEmpty ? nil : .array(value.map(JSONValue.string)), absent: .array([]))
    }
    mutating func object(_ name: StaticString, _ value: inout JSONValue?) { put(name, value) }
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) { put(name, value) }
}
