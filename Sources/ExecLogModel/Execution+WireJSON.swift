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
        Self.appendQuoted(value, to: &output)
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
        Self.appendDouble(value, to: &output)
    }
    mutating func tags(_ name: StaticString, _ value: inout [String]) {
        guard !value.isEmpty else { return }
        key(name)
        output.append(UInt8(ascii: "["))
        for (index, tag) in value.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            Self.appendQuoted(tag, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }
    mutating func object(_ name: StaticString, _ value: inout JSONValue?) {
        guard let value else { return }
        key(name)
        Self.append(value, to: &output)
    }
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) {
        key(name)
        Self.append(value, to: &output)
    }

    // MARK: - Values

    /// `JSONValue.append(to:)`'s bytes.
    static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        case .double(let number): appendDouble(number, to: &output)
        case .string(let text): appendQuoted(text, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                append(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            appendMembers(members, to: &output)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Keys in `String`'s `<` order, as `keys.sorted()`. A message is `{role, content}`: up to two
    /// members need no array and no lookup by key.
    private static func appendMembers(_ members: [String: JSONValue], to output: inout [UInt8]) {
        func member(_ key: String, _ value: JSONValue) {
            appendQuoted(key, to: &output)
            output.append(UInt8(ascii: ":"))
            append(value, to: &output)
        }
        var iterator = members.makeIterator()
        if members.count <= 2 {
            guard let one = iterator.next() else { return }
            guard let two = iterator.next() else { return member(one.key, one.value) }
            let (low, high) = two.key < one.key ? (two, one) : (one, two)
            member(low.key, low.value)
            output.append(UInt8(ascii: ","))
            member(high.key, high.value)
            return
        }
        for (index, pair) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            member(pair.key, pair.value)
        }
    }

    static func appendDouble(_ value: Double, to output: inout [UInt8]) {
        // JSON has no NaN or infinity; null is what JSON.stringify writes for them too.
        if !value.isFinite {
            output.append(contentsOf: "null".utf8)
        } else if value == value.rounded(), abs(value) < 1e15 {
            output.append(contentsOf: String(Int64(value)).utf8)
        } else {
            output.append(contentsOf: value.description.utf8)
        }
    }

    /// The lowercase `8-4-4-4-12` form (`uuidString.lowercased()`), from the 16 bytes.
    static func appendUUID(_ value: UUID, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: value.uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { output.append(UInt8(ascii: "-")) }
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0xF))
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

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// `JSONValue.appendQuoted`'s bytes (`"`, `\` and control characters escaped, the rest copied), eight
    /// bytes at a time: most text has nothing to escape, and a byte-by-byte test was the encoder's
    /// largest cost.
    static func appendQuoted(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            var runStart = 0
            var index = 0
            while index < count {
                if index + 8 <= count,
                    !needsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = base[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
                appendEscape(byte, to: &output)
                index += 1
                runStart = index
            }
            output.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart))
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether any of the 8 bytes is below 0x20, `"` or `\` (exact: the classic "has a zero byte" test).
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        let below20 = (word &- ones &* 0x20) & ~word & highs != 0
        return below20 || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
        case UInt8(ascii: "\n"): output.append(contentsOf: "\\n".utf8)
        case UInt8(ascii: "\r"): output.append(contentsOf: "\\r".utf8)
        case UInt8(ascii: "\t"): output.append(contentsOf: "\\t".utf8)
        default:
            output.append(contentsOf: "\\u00".utf8)
            output.append(hexDigit(byte >> 4))
            output.append(hexDigit(byte & 0xF))
        }
    }
}
