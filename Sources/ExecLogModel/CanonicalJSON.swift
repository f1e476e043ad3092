/// The canonical JSON text execlog writes everywhere (docs/PROTOCOL.md, docs/STORE.md): what the
/// emitter sends, what the store keeps in its JSON columns, what `JSONValue.serialized()` returns.
/// Written once, here, over UTF-8 bytes: it runs for every event on both sides, and JSONEncoder (or
/// appending Unicode scalars to a String) costs several times more.
enum CanonicalJSON {
    /// A value's canonical bytes: compact, object keys sorted, strings escaped as `appendQuoted` does.
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

    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// A JSON string: `"`, `\` and control characters escaped (`\n`, `\r`, `\t` short, the rest as
    /// `\u00XX`), every other byte of the UTF-8 text copied as is, eight
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
