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
        Self.appendUUID(value, to: &output)
    }
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) {
        guard let value else { return }
        key(name)
        Self.appendUUID(value, to: &output)
    }
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) { string(name, value) }
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) { string(name, value) }
    mutating func time(_ name: StaticString, _ value: inout Date) {
        key(name)
        Self.appendTime(value, to: &output)
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

    /// The lowercase `8-4-4-4-12` form (`uuidString.lowercased()`), from the 16 bytes.
    static func appendUUID(_ value: UUID, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: value.uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { output.append(UInt8(ascii: "-")) }
                output.append(CanonicalJSON.hexDigit(byte >> 4))
                output.append(CanonicalJSON.hexDigit(byte & 0xF))
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// `Timestamp.format`'s text (`2026-11-27T10:55:45.123Z`, clamped to its range), quoted, written
    /// from the milliseconds with the civil-from-days algorithm (H. Hinnant): no `gmtime_r`, no
    /// intermediate arrays or Strings.
    static func appendTime(_ date: Date, to output: inout [UInt8]) {
        let clamped = min(max(date, Timestamp.range.lowerBound), Timestamp.range.upperBound)
        let milliseconds = Int64((clamped.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Days since 0000-03-01, in 400-year eras.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                output.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        output.append(UInt8(ascii: "\""))
        digits(year, 4)
        output.append(UInt8(ascii: "-"))
        digits(month, 2)
        output.append(UInt8(ascii: "-"))
        digits(day, 2)
        output.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3_600, 2)
        output.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        output.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        output.append(UInt8(ascii: "."))
        digits(milliseconds - seconds * 1000, 3)
        output.append(UInt8(ascii: "Z"))
        output.append(UInt8(ascii: "\""))
    }

}
