/// The framing of one event in a spool segment file. All integers are little-endian:
///
///     offset  size  field
///          0     4  magic: FF 45 4C 31 ("\xFF" "EL1"; 0xFF never occurs in UTF-8 JSON)
///          4     4  payload length n, UInt32, 1 ... maxPayloadBytes
///          8     4  CRC-32 (IEEE, as zlib) of bytes 4..<8 (the length) followed by the payload
///         12     n  payload: the event's JSON, the very bytes the wire carries
///
/// A segment is these records back to back, nothing else. A record is good only if its magic,
/// length and CRC all check out and it lies wholly inside the file. Anything else (a torn write
/// at the end after a crash, a flipped bit, garbage) is a *corrupt region*: the reader skips
/// forward to the next offset where a good record starts (looking only at 0xFF bytes, which a
/// JSON payload cannot contain) and counts one skip, so one bad record never hides the rest.
enum SpoolRecord {
    static let magic: [UInt8] = [0xFF, 0x45, 0x4C, 0x31]
    static let headerBytes = 12
    /// Far above any event the writer accepts; a larger length is taken for corruption.
    static let maxPayloadBytes = 256 << 20

    /// The record for one event's JSON.
    static func encode(_ payload: [UInt8]) -> [UInt8] {
        precondition(!payload.isEmpty && payload.count <= maxPayloadBytes, "spool payload size")
        let length = UInt32(payload.count)
        var crc = CRC32()
        crc.update(littleEndianBytes(length))
        crc.update(payload)
        var record: [UInt8] = []
        record.reserveCapacity(headerBytes + payload.count)
        record += magic
        record += littleEndianBytes(length)
        record += littleEndianBytes(crc.value)
        record += payload
        return record
    }

    /// What a segment's bytes hold.
    struct Parsed: Equatable {
        /// The payload of each good record, as ranges of the buffer, in file order.
        var payloads: [Range<Int>] = []
        /// Corrupt regions skipped (each may have held one or more records, or a torn tail).
        var corruptRegions = 0
    }

    /// Finds every good record in a segment's bytes; never fails.
    static func parse(_ buffer: [UInt8]) -> Parsed {
        buffer.withUnsafeBytes { bytes in
            var parsed = Parsed()
            var position = 0
            let count = bytes.count
            while position < count {
                if let length = goodRecordLength(bytes, at: position) {
                    parsed.payloads.append(position + headerBytes..<position + headerBytes + length)
                    position += headerBytes + length
                    continue
                }
                parsed.corruptRegions += 1
                var candidate = position + 1
                position = count
                while candidate < count {
                    if bytes[candidate] == 0xFF, goodRecordLength(bytes, at: candidate) != nil {
                        position = candidate
                        break
                    }
                    candidate += 1
                }
            }
            return parsed
        }
    }

    /// The payload length of the good record at `position`, or nil.
    private static func goodRecordLength(_ bytes: UnsafeRawBufferPointer, at position: Int) -> Int? {
        guard bytes.count - position >= headerBytes,
            bytes[position] == magic[0], bytes[position + 1] == magic[1],
            bytes[position + 2] == magic[2], bytes[position + 3] == magic[3]
        else { return nil }
        let length = Int(readUInt32(bytes, at: position + 4))
        guard length >= 1, length <= maxPayloadBytes, length <= bytes.count - position - headerBytes else {
            return nil
        }
        var crc = CRC32()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 8)]))
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[(position + headerBytes)..<(position + headerBytes + length)]))
        return crc.value == readUInt32(bytes, at: position + 8) ? length : nil
    }

    private static func readUInt32(_ bytes: UnsafeRawBufferPointer, at position: Int) -> UInt32 {
        UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2]) << 16
            | UInt32(bytes[position + 3]) << 24
    }

    private static func littleEndianBytes(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
         UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24)]
    }
}
