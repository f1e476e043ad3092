import Foundation

extension JSONValue {
    /// Compact JSON text with object keys sorted, so the same value always gives the same bytes
    /// (`CanonicalJSON`).
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// `serialized()` as UTF-8 bytes.
    public func serializedBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        append(to: &output)
        return output
    }

    /// JSON text for people: two spaces of indentation per level, `"key": value`, keys sorted.
    public func prettySerialized() -> String {
        String(decoding: prettySerializedBytes(), as: UTF8.self)
    }

    /// `prettySerialized()` as UTF-8 bytes.
    public func prettySerializedBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        appendPretty(to: &output, level: 0)
        return output
    }

    private func appendPretty(to output: inout [UInt8], level: Int) {
        func newline(_ level: Int) {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
        }
        switch self {
        case .array(let elements) where !elements.isEmpty:
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                element.appendPretty(to: &output, level: level + 1)
            }
            newline(level)
            output.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            output.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                JSONValue.appendQuoted(key, to: &output)
                output.append(contentsOf: ": ".utf8)
                members[key, default: .null].appendPretty(to: &output, level: level + 1)
            }
            newline(level)
            output.append(UInt8(ascii: "}"))
        default:
            append(to: &output)
        }
    }

    func append(to output: inout [UInt8]) { CanonicalJSON.append(self, to: &output) }

    static func appendQuoted(_ string: String, to output: inout [UInt8]) { CanonicalJSON.appendQuoted(string, to: &output) }

    /// The deepest nesting `parse` accepts (an event object is level 1, so a field of it holds at most
    /// one level less). Every writer of JSON here writes any depth.
    public static let maxNestingDepth = JSONParser.maxDepth

    /// Parses JSON text. Throws for anything that is not one JSON value.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Data(text.utf8))
    }

    /// Parses JSON bytes (RFC 8259, UTF-8), in time linear in their length. Throws for anything that is not
    /// one JSON value.
    public static func parse(_ bytes: some DataProtocol) throws(JSONSyntaxError) -> JSONValue {
        let contiguous = Array(bytes)
        return try contiguous.withUnsafeBufferPointer { buffer throws(JSONParser.SyntaxError) in try JSONParser.parse(buffer) }
    }
}
