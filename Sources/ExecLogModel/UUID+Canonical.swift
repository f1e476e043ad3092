import Foundation

extension UUID {
    /// The UUID written in exactly the 36-character form `8-4-4-4-12` hex digits (any case), with nothing
    /// before or after; nil for anything else.
    ///
    /// Every id from the wire or the store is read through this. Foundation's `UUID(uuidString:)` reads a
    /// C string: it stops at a NUL, so `"…223bc\u{0}garbage"` would be taken for the id before the NUL, and
    /// two different ids sharing that prefix would be stored as one.
    public init?(canonical text: String) {
        let utf8 = text.utf8
        guard utf8.count == 36 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        var byteIndex = 0
        var high: UInt8?
        for (position, character) in utf8.enumerated() {
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let digit = Self.hexDigit(character) else { return nil }
            if let first = high {
                bytes[byteIndex] = first << 4 | digit
                byteIndex += 1
                high = nil
            } else {
                high = digit
            }
        }
        self.init(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }

    /// The lowercase `8-4-4-4-12` form (`uuidString.lowercased()`): how ids are written on the wire, in the
    /// store and in every output.
    public var canonicalString: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        appendCanonical(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `canonicalString` appended to `output` (unquoted), from the 16 bytes.
    public func appendCanonical(to output: inout [UInt8]) {
        withUnsafeBytes(of: uuid) { bytes in
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { output.append(UInt8(ascii: "-")) }
                output.append(CanonicalJSON.hexDigit(byte >> 4))
                output.append(CanonicalJSON.hexDigit(byte & 0xF))
            }
        }
    }

    private static func hexDigit(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Execution {
    /// The reason given for an id that `UUID(canonical:)` does not read.
    static func notAUUID(_ text: String) -> String {
        "not a UUID: \(text.prefix(40).debugDescription) (expected exactly 36 characters, 8-4-4-4-12 hex digits)"
    }
}
