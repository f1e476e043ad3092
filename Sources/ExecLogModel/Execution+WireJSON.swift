import Foundation

extension Execution {
    /// The event as the wire carries it: compact JSON, absent fields left out, in `visitFields`'s order.
    /// Written by hand over UTF-8 bytes because every worker's sender thread runs it for every execution,
    /// and JSONEncoder costs several times more. Decodes to the same execution (`decodeEvent`).
    public func wireJSON() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(
            384 + (systemPrompt?.utf8.count ?? 0) + (responseContent?.utf8.count ?? 0) + (errorMessage?.utf8.count ?? 0))
        appendWireJSON(to: &output)
        return output
    }

    /// `wireJSON()` appended to `output`: the sender encodes into one buffer it keeps, whose capacity
    /// then fits any event, and copies out each event's exact bytes (one allocation, no regrowth).
    public func appendWireJSON(to output: inout [UInt8]) {
        var writer = WireWriter(output: output)
        output = []  // the writer holds the only reference: appends do not copy
        writer.output.append(UInt8(ascii: "{"))
        visitFieldValues(&writer)
        writer.output.append(UInt8(ascii: "}"))
        output = writer.output
    }
}

/// Appends `"name":value` for every present field. Byte for byte what `JSONValue.serialized()` writes for
/// each value (object keys sorted, the same escapes and numbers), without making Strings or JSONValues
/// on the way: ids and times are written from their bits, objects sorted without hashing their keys.
private struct WireWriter: ExecutionFieldVisitor {
    typealias Failure = Never
    var output: [UInt8]
    private var first = true

    init(output: [UInt8]) { self.output = output }

    private mutating func key(_ name: StaticString) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        output.append(UInt8(ascii: "\""))
        output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        output.append(UInt8(ascii: "\""))
        output.append(UInt8(ascii: ":"))
    }

    private mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        CanonicalJSON.appendQuoted(value, to: &output)
    }

    mutating func id(_ name: StaticString, _ value: inout UUID) {
        key(name)
        output.append(UInt8(ascii: "\""))
        value.appendCanonical(to: &output)
        output.append(UInt8(ascii: "\""))
    }
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) {
        guard let value else { return }
        key(name)
        output.append(UInt8(ascii: "\""))
        value.appendCanonical(to: &output)
        output.append(UInt8(ascii: "\""))
    }
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) { string(name, value) }
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) { string(name, value) }
    mutating func time(_ name: StaticString, _ value: inout Date) {
        key(name)
        output.append(UInt8(ascii: "\""))
        Timestamp.append(value, to: &output)
        output.append(UInt8(ascii: "\""))
    }
    mutating func count(_ name: StaticString, _ value: inout Int?) {
        guard let value else { return }
        key(name)
        output.append(contentsOf: String(value).utf8)
    }
    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) {
        guard let value else { return }
        key(name)
        CanonicalJSON.appendDouble(value, to: &output)
    }
    mutating func tags(_ name: StaticString, _ value: inout [String]) {
        guard !value.isEmpty else { return }
        key(name)
        output.append(UInt8(ascii: "["))
        for (index, tag) in value.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            CanonicalJSON.appendQuoted(tag, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }
    mutating func object(_ name: StaticString, _ value: inout JSONValue?) {
        guard let value else { return }
        key(name)
        CanonicalJSON.append(value, to: &output)
    }
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) {
        key(name)
        CanonicalJSON.append(value, to: &output)
    }
}
