import Foundation

extension Execution {
    /// The execution as one JSON object. With `includeNulls`, every field is there, an absent one as
    /// `null` (no tags as `[]`): the form of reports (`execlog show --json`, the REST detail).
    public func jsonObject(includeNulls: Bool) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for field in Self.fields {
            if let value = value(of: field) {
                members[field.key] = value
            } else if includeNulls {
                if case .tags = field.kind { members[field.key] = .array([]) } else { members[field.key] = .null }
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
