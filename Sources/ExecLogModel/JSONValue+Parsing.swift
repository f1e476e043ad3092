import Foundation

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

    typealias SyntaxError = JSONSyntaxError

    private func error(_ reason: String) -> SyntaxError { SyntaxError(reason, at: index) }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("invalid JSON: more after the value") }
        return value
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        guard current == byte else { throw unexpected("'\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    /// "invalid JSON: expected X" at the current byte, saying what is there instead.
    private func unexpected(_ expected: String) -> SyntaxError {
        guard let byte = current else { return error("invalid JSON: expected \(expected), found the end") }
        let found = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return error("invalid JSON: expected \(expected), found \(found)")
    }

    private mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
        guard let byte = current else { throw unexpected("a value") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw unexpected("a value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count,
            (0..<count).allSatisfy({ bytes[index + $0] == word.utf8Start[$0] })
        else { throw unexpected("\(word)") }
        index += count
    }

    private mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw tooDeep() }
        index += 1  // {
        // Room for a small object's members at once: growing 1 → 2 → 4 → 8 rehashes every key each time.
        var members = [String: JSONValue](minimumCapacity: 8)
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw unexpected("a key in quotes") }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            do {
                members[key] = try value(depth: depth)
            } catch {
                throw error.inside(key)
            }
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard current == UInt8(ascii: "}") else { throw unexpected("',' or '}'") }
            index += 1
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth <= Self.maxDepth else { throw tooDeep() }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            do {
                elements.append(try value(depth: depth))
            } catch {
                throw error.inside("[\(elements.count)]")
            }
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard current == UInt8(ascii: "]") else { throw unexpected("',' or ']'") }
            index += 1
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
            guard let byte = current else { throw unterminated() }
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1  // "
                guard let string = Self.text(text, isASCII: allBits < 0x80) else { throw invalidUTF8(at: start) }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw controlCharacter(byte) }
            allBits |= byte
            index += 1
        }
        var output: [UInt8] = []
        var runStart = start
        while true {
            guard let byte = current else { throw unterminated() }
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw controlCharacter(byte) }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            guard let escape = current else { throw unterminated() }
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
                    guard bytes.count - index >= 6, current == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    else { throw loneSurrogate(scalar) }
                    index += 2
                    let low = UInt32(try hex4())
                    guard (0xDC00..<0xE000).contains(low) else { throw loneSurrogate(scalar) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw loneSurrogate(scalar) }
                output.append(contentsOf: String(Character(unicode)).utf8)
            default: throw error("invalid JSON: \\\(Character(Unicode.Scalar(escape))) is not an escape")
            }
            runStart = index
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        index += 1  // "
        guard let string = output.withUnsafeBufferPointer({ Self.text($0, isASCII: false) }) else {
            throw invalidUTF8(at: start)
        }
        return string
    }

    /// The string of UTF-8 bytes; nil if they are not valid UTF-8 (`isASCII`: known valid).
    private static func text(_ utf8: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String? {
        if isASCII { return String(decoding: utf8, as: UTF8.self) }
        return String(validating: utf8, as: UTF8.self)
    }

    private mutating func hex4() throws(SyntaxError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw unterminated() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw unexpected("4 hex digits after \\u")
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
            guard digits() > 0 else { throw unexpected("a digit") }
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard digits() > 0 else { throw unexpected("a digit") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw unexpected("a digit") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if integral, let value = Int64(text) { return .int(value) }
        guard let value = Double(text), value.isFinite else {
            throw SyntaxError("the number \(text.prefix(40)) is too large for a 64-bit floating-point number", at: start)
        }
        if value == value.rounded(), value >= -0x1p63, value < 0x1p63 { return .int(Int64(value)) }
        return .double(value)
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index - start
    }
}

extension JSONParser {
    private func tooDeep() -> SyntaxError {
        error("nested deeper than \(Self.maxDepth) levels")
    }

    private func invalidUTF8(at offset: Int) -> SyntaxError {
        SyntaxError("a string is not valid UTF-8", at: offset)
    }

    private func unterminated() -> SyntaxError {
        error("invalid JSON: a string is not closed")
    }

    private func controlCharacter(_ byte: UInt8) -> SyntaxError {
        error("invalid JSON: control character 0x\(String(byte, radix: 16)) in a string (write it as \\u00\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16)))")
    }

    private func loneSurrogate(_ scalar: UInt32) -> SyntaxError {
        error("\\u\(String(scalar, radix: 16)) is a lone UTF-16 surrogate, not a character (JSON from a language with UTF-16 strings; encode the text as valid UTF-8)")
    }
}

extension JSONSyntaxError {
    /// The same error, one level further down: inside the member `key` or at the index `[n]`.
    func inside(_ component: String) -> Self {
        var error = self
        error.path.insert(component, at: 0)
        return error
    }
}

/// Why the bytes are not JSON, where, and in which value: `path` holds the object keys and array
/// indexes (`[2]`) from the top of the document to the value at fault.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    /// The byte at which parsing stopped, from 0.
    public var offset: Int
    public var path: [String] = []

    init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// `input_messages.[0].content`, or nil at the top of the document. A long path keeps its first
    /// three steps and its last two (`input_messages.[0].[0]….[0].[0]`).
    /// A key from the wire is shown as it is when it is short printable ASCII, else quoted, escaped and
    /// cut to 40 characters: a reason stays one short line whatever the keys hold.
    public var field: String? {
        guard !path.isEmpty else { return nil }
        let shown = path.count <= 6 ? path : Array(path.prefix(3)) + ["…"] + Array(path.suffix(2))
        return shown.map(Self.printable).joined(separator: ".").replacingOccurrences(of: ".….", with: "….")
    }

    private static func printable(_ component: String) -> String {
        let plain = component.utf8.count <= 40
            && component.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: ".") }
        if plain || component == "…" { return component }
        let cut = component.count > 40 ? String(component.prefix(40)) + "…" : component
        return cut.debugDescription
    }

    public var description: String {
        "\(field.map { "\($0): " } ?? "")\(reason) (byte \(offset))"
    }
}
