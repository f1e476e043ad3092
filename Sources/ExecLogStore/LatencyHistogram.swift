import ExecLogModel
/// Counts of execution durations in buckets narrow enough for percentiles within 1 %: every value
/// below 128 ms has its own bucket, and above that a bucket spans 1/64 to 1/128 of its values (the
/// seven most significant bits are kept), so 20 s of range needs a few hundred buckets at most.
///
/// Stored in `execution_rollups.latency_histogram` as a BLOB: pairs of unsigned LEB128 varints,
/// (bucket index minus the previous pair's index, count), in ascending bucket order.
struct LatencyHistogram: Equatable, Sendable {
    private(set) var counts: [Int: Int] = [:]

    init() {}

    var isEmpty: Bool { counts.isEmpty }

    /// Adds `count` (negative to remove) durations of `milliseconds`.
    mutating func add(_ milliseconds: Int, count: Int = 1) {
        let bucket = Self.bucket(of: milliseconds)
        let updated = counts[bucket, default: 0] + count
        counts[bucket] = updated > 0 ? updated : nil
    }

    mutating func merge(_ other: LatencyHistogram, sign: Int = 1) {
        for (bucket, count) in other.counts {
            let updated = counts[bucket, default: 0] + sign * count
            counts[bucket] = updated > 0 ? updated : nil
        }
    }

    // MARK: - Flat counts

    /// Buckets a 64-bit value can fall in: the index of `Int.max`'s bucket, plus one.
    static let bucketCount = bucket(of: .max) + 1

    /// Adds an encoded histogram's counts to `counts` (indexed by bucket, `bucketCount` long) without
    /// building a dictionary: stats read tens of thousands of rollup rows. False for a damaged BLOB.
    @discardableResult
    static func accumulate(encoded bytes: [UInt8], into counts: inout [Int]) -> Bool {
        decode(bytes) { bucket, count in
            guard bucket < counts.count else { return false }
            counts[bucket] = counts[bucket].saturatingAdd(count)
            return true
        }
    }

    /// Nearest-rank percentiles (fractions in ascending order) from flat counts, each the middle of its
    /// bucket: what stats report as p50, p95 and p99.
    static func percentiles(_ fractions: [Double], counts: [Int]) -> [Int]? {
        let total = counts.reduce(0) { $0.saturatingAdd($1) }
        guard total > 0 else { return nil }
        let ranks = fractions.map { max(1, Int((Double(total) * $0).rounded(.up))) }
        var results: [Int] = []
        var seen = 0
        for (bucket, count) in counts.enumerated() where count > 0 && results.count < ranks.count {
            seen = seen.saturatingAdd(count)
            while results.count < ranks.count, seen >= ranks[results.count] {
                results.append(representative(of: bucket))
            }
        }
        return results
    }

    // MARK: - Buckets

    static let exactBelow = 128

    /// A negative duration (a row edited by hand: the writer refuses them) counts as 0.
    static func bucket(of value: Int) -> Int {
        guard value >= exactBelow else { return max(0, value) }
        let shift = (Int.bitWidth - value.leadingZeroBitCount) - 7
        return shift * 64 + (value >> shift)
    }

    /// The middle of the bucket's range of values.
    static func representative(of bucket: Int) -> Int {
        guard bucket >= exactBelow else { return bucket }
        let shift = bucket / 64 - 1
        let mantissa = bucket - (shift + 1) * 64 + 64
        let low = mantissa << shift
        return low + ((1 << shift) - 1) / 2
    }

    // MARK: - Encoding

    var encoded: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(counts.count * 3)
        var previous = 0
        for bucket in counts.keys.sorted() {
            Self.appendVarint(bucket - previous, to: &bytes)
            Self.appendVarint(counts[bucket]!, to: &bytes)
            previous = bucket
        }
        return bytes
    }

    /// Nil for bytes that are not a histogram (a damaged BLOB): the caller falls back to the rows.
    init?(encoded bytes: [UInt8]) {
        var counts: [Int: Int] = [:]
        let valid = Self.decode(bytes) { bucket, count in
            if count > 0 { counts[bucket] = counts[bucket, default: 0].saturatingAdd(count) }
            return true
        }
        guard valid else { return nil }
        self.counts = counts
    }

    /// Walks the (bucket, count) pairs of an encoded histogram; false for a damaged BLOB (a truncated
    /// varint, a bucket past `Int.max`) or when `body` refuses a pair. An edited BLOB must never trap.
    private static func decode(_ bytes: [UInt8], _ body: (_ bucket: Int, _ count: Int) -> Bool) -> Bool {
        var index = 0
        var bucket = 0
        while index < bytes.count {
            guard let delta = readVarint(bytes, &index), let count = readVarint(bytes, &index) else { return false }
            let (next, overflow) = bucket.addingReportingOverflow(delta)
            guard !overflow, body(next, count) else { return false }
            bucket = next
        }
        return true
    }

    private static func appendVarint(_ value: Int, to bytes: inout [UInt8]) {
        var value = UInt64(value)
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func readVarint(_ bytes: [UInt8], _ index: inout Int) -> Int? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 63 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return Int(exactly: value) }
            shift += 7
        }
        return nil
    }
}
