/// A JSON parser (RFC 8259) over UTF-8 bytes, in one pass: its time is linear in the input, however deep
/// the nesting. (Decoding a `JSONValue` through `Decodable` probes each value's type by trying types in
/// turn, and every failed try builds an error holding the whole coding path: cubic in the depth, a second
/// for one 500-deep array. `Execution.decodeEvent` therefore parses here first; see `JSONValue.init(from:)`.)
///
/// Values as `JSONValue(from:)` makes them: a number written as an integer in the Int64 range, or integral
/// and in that range (`12.0`, `1e3`), is `.int`; other numbers are `.double`; a number that does not fit a
/// double (`1e400`) is an error. Strings must be valid UTF-8, with no lone surrogate escape. A repeated
/// object key keeps its last value.
struct JSONParser {
    /// Nesting deeper than this is an error (as with Foundation's JSONDecoder).
    static let maxDepth = 512

    struct SyntaxError: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw SyntaxError() }
        return value
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        guard current == byte else { throw SyntaxError() }
        index += 1
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
        guard let byte = current else { throw SyntaxError() }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw SyntaxError()
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count,
            (0..<count).allSatisfy({ bytes[index + $0] == word.utf8Start[$0] })
        else { throw SyntaxError() }
        index += count
    }

    private mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw SyntaxError() }
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw SyntaxError() }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            members[key] = try value(depth: depth)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw SyntaxError() }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return .array(elements)
        }
    }

    /// A string's content, unescaped; the opening quote is at `index`.
    private mutating func string() throws(SyntaxError) -> String {
        index += 1  // "
        let start = index
        // The bytes of an escape-free ASCII string are its String as they are: no copy into a buffer of
        // our own, no UTF-8 validation. Most keys and many values are.
        var allBits: UInt8 = 0
        while true {
            guard let byte = current else { throw SyntaxError() }
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1  // "
                return try Self.text(text, isASCII: allBits < 0x80)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw SyntaxError() }  // control characters must be escaped
            allBits |= byte
            index += 1
        }
        var output: [UInt8] = []
        var runStart = start
        while true {
            guard let byte = current else { throw SyntaxError() }
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw SyntaxError() }  // control characters must be escaped
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            guard let escape = current else { throw SyntaxError() }
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try hex4())
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    guard current == UInt8(ascii: "\\") else { throw SyntaxError() }
                    index += 1
                    try expect(UInt8(ascii: "u"))
                    let low = UInt32(try hex4())
                    guard (0xDC00..<0xE000).contains(low) else { throw SyntaxError() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw SyntaxError() }  // a lone low surrogate
                output.append(contentsOf: String(Character(unicode)).utf8)
            default: throw SyntaxError()
            }
            runStart = index
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        index += 1  // "
        return try output.withUnsafeBufferPointer { buffer throws(SyntaxError) in try Self.text(buffer, isASCII: false) }
    }

    /// The string of UTF-8 bytes; an error if they are not valid UTF-8 (`isASCII`: known valid).
    private static func text(_ utf8: UnsafeBufferPointer<UInt8>, isASCII: Bool) throws(SyntaxError) -> String {
        if isASCII { return String(decoding: utf8, as: UTF8.self) }
        guard let text = String(validating: utf8, as: UTF8.self) else { throw SyntaxError() }
        return text
    }

    private mutating func hex4() throws(SyntaxError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw SyntaxError() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw SyntaxError()
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() throws(SyntaxError) -> JSONValue {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw SyntaxError() }
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard digits() > 0 else { throw SyntaxError() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw SyntaxError() }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if integral, let value = Int64(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else { throw SyntaxError() }
        if value == value.rounded(), value >= -0x1p63, value < 0x1p63 { return .int(Int64(value)) }
        return .double(value)
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index - start
    }
}
