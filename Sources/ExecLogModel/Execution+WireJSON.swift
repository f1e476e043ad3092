import Foundation

extension Execution {
    /// The event as the wire carries it: compact JSON, absent fields left out, in `visitFields`'s order.
    /// Written by hand over UTF-8 bytes because every worker's sender thread runs it for every execution,
    /// and JSONEncoder costs several times more. Decodes to the same execution (`decodeEvent`).
    public func wireJSON() -> [UInt8] {
        var writer = WireWriter()
        writer.output.reserveCapacity(
            384 + (systemPrompt?.utf8.count ?? 0) + (responseContent?.utf8.count ?? 0) + (errorMessage?.utf8.count ?? 0))
        writer.output.append(UInt8(ascii: "{"))
        visitFieldValues(&writer)
        writer.output.append(UInt8(ascii: "}"))
        return writer.output
    }
}

/// Appends `"name":value` for every present field.
private struct WireWriter: ExecutionFieldVisitor {
    typealias Failure = Never
    var output: [UInt8] = []
    private var first = true

    private mutating func key(_ name: StaticString) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        output.append(UInt8(ascii: "\""))
        output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        output.append(contentsOf: "\":".utf8)
    }

    private mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        JSONValue.appendQuoted(value, to: &output)
    }

    private mutating func json(_ name: StaticString, _ value: JSONValue?) {
        guard let value else { return }
        key(name)
        value.append(to: &output)
    }

    mutating func id(_ name: StaticString, _ value: inout UUID) { string(name, value.uuidString.lowercased()) }
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) { string(name, value?.uuidString.lowercased()) }
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) { string(name, value) }
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) { string(name, value) }
    mutating func time(_ name: StaticString, _ value: inout Date) { string(name, Timestamp.format(value)) }
    mutating func count(_ name: StaticString, _ value: inout Int?) {
        guard let value else { return }
        key(name)
        output.append(contentsOf: String(value).utf8)
    }
    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) { json(name, value.map(JSONValue.double)) }
    mutating func tags(_ name: StaticString, _ value: inout [String]) {
        json(name, value.isEmpty ? nil : .array(value.map(JSONValue.string)))
    }
    mutating func object(_ name: StaticString, _ value: inout JSONValue?) { json(name, value) }
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) { json(name, value) }
}
