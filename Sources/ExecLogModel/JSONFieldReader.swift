import Foundation

/// Typed access to the members of a JSON object from the wire (an event, a drop report), with the
/// protocol's one-line reasons naming the field.
struct JSONFieldReader {
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

    /// An RFC 3339 time with a zone (docs/PROTOCOL.md, `created_at`).
    func time(_ key: String) throws(ExecutionError) -> Date? {
        guard let text = try string(key) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw ExecutionError(field: key, "not an RFC 3339 time with a zone: \(text.prefix(40).debugDescription)")
        }
        return date
    }

    /// A count: an integer ≥ 0; absent or null is 0 unless `required`.
    func count(_ key: String, required: Bool) throws(ExecutionError) -> Int {
        guard let number = try integer(key) else {
            if required { throw ExecutionError(field: key, "required field is missing") }
            return 0
        }
        guard number >= 0 else { throw ExecutionError(field: key, "must not be negative") }
        return number
    }
}
