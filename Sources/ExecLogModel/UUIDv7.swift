import Foundation
import Synchronization

extension UUID {
    /// A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter, then random bits.
    ///
    /// Time-ordered ids keep the store's primary-key index append-only: random v4 keys made batched
    /// inserts about 3x slower. Within one process the ids are strictly increasing, even for many ids
    /// in the same millisecond (the counter, RFC 9562 §6.2 method 1).
    public static func v7() -> UUID {
        let milliseconds = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let (timestamp, counter) = UUIDv7Clock.shared.next(milliseconds: milliseconds)
        return v7(milliseconds: timestamp, counter: counter)
    }

    /// A UUIDv7 for a given time (imports, simulations): its counter is random, so ids of one millisecond
    /// are unique but not ordered among themselves.
    public static func v7(at date: Date) -> UUID {
        v7(milliseconds: UInt64(max(0, date.timeIntervalSince1970 * 1000)), counter: UInt16.random(in: 0...0xFFF))
    }

    private static func v7(milliseconds timestamp: UInt64, counter: UInt16) -> UUID {
        var random = SystemRandomNumberGenerator()
        let tail = random.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: timestamp >> (40 - 8 * UInt64(index)))
        }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: counter >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: tail >> 56) & 0x3F
        for index in 9..<16 {
            bytes[index] = UInt8(truncatingIfNeeded: tail >> (8 * UInt64(15 - index)))
        }
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }

    /// The creation time a UUIDv7 carries, or nil for other versions.
    public var v7Date: Date? {
        let bytes = uuid
        guard bytes.6 >> 4 == 7 else { return nil }
        let milliseconds = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5]
            .reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

/// Hands out (millisecond, counter) pairs that never go backwards, even if the wall clock does.
private final class UUIDv7Clock: Sendable {
    static let shared = UUIDv7Clock()

    private struct State {
        var milliseconds: UInt64 = 0
        var counter: UInt16 = 0
    }
    private let state = Mutex(State())

    func next(milliseconds now: UInt64) -> (UInt64, UInt16) {
        state.withLock { state in
            if now > state.milliseconds {
                state.milliseconds = now
                // Start low in a random place so ids from two processes in one millisecond still interleave rarely.
                state.counter = UInt16.random(in: 0..<0x400)
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                // 4096 ids in one millisecond: borrow the next millisecond rather than repeat a value.
                state.milliseconds += 1
                state.counter = 0
            }
            return (state.milliseconds, state.counter)
        }
    }
}
