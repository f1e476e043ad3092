import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// RFC 3339 timestamps, the form of every time in the store and on the wire.
///
/// The store keeps `created_at` as fixed-width UTC text with milliseconds (`2026-11-27T10:55:45.123Z`):
/// it sorts in time order, so range filters use an index, and it reads as-is in the sqlite3 shell.
/// Hand-written because Foundation's formatters are slow on the insert path and not `Sendable`.
public enum Timestamp {
    /// Bounds of the 4-digit years RFC 3339 can write: 0001-01-01 and 9999-12-31T23:59:59.999Z.
    public static let range = Date(timeIntervalSince1970: -62_135_596_800)...Date(timeIntervalSince1970: 253_402_300_799.999)

    /// `2026-11-27T10:55:45.123Z`. Times outside `range` are written as its nearest bound.
    public static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `format`'s text appended to `output` (unquoted): the emitter writes every event's times with it.
    /// From the milliseconds with the civil-from-days algorithm (H. Hinnant): no `gmtime_r`, no
    /// intermediate arrays or Strings.
    public static func append(_ date: Date, to output: inout [UInt8]) {
        let clamped = min(max(date, range.lowerBound), range.upperBound)
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
    }

    /// Parses RFC 3339 with a zone: `2026-11-27T10:55:45Z`, `2026-11-27T12:55:45.123456+02:00`.
    /// A space may stand for the `T`, as in the sqlite3 shell's own output. Returns nil for anything else.
    public static func parse(_ text: String) -> Date? {
        parse(text, requireZone: true)
    }

    /// Like `parse`, but a missing zone means UTC and a bare date (`2026-11-27`) means its midnight UTC.
    /// For people typing dates at the CLI, not for the wire.
    public static func parseLenient(_ text: String) -> Date? {
        parse(text, requireZone: false)
    }

    private static func parse(_ text: String, requireZone: Bool) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<digits {
                let byte = bytes[index + offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += digits
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offsetSeconds = 0
        var hasSeconds = false
        if index == bytes.count {
            if requireZone { return nil }
        } else {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t")
                || bytes[index] == UInt8(ascii: " ")
            else { return nil }
            index += 1
            guard let h = number(2), expect(":"), let m = number(2) else { return nil }
            hour = h
            minute = m
            hasSeconds = bytes.count > index && bytes[index] == UInt8(ascii: ":")
            if expect(":") {
                guard let s = number(2), s <= 59 else { return nil }
                second = s
                if expect(".") {
                    var scale = 0.1
                    let start = index
                    while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                        fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                        scale /= 10
                        index += 1
                    }
                    guard index > start else { return nil }
                }
            }
            // Seconds are required on the wire (RFC 3339), optional for people typing at the CLI.
            guard hour <= 23, minute <= 59, !(requireZone && !hasSeconds) else { return nil }
            if index == bytes.count {
                if requireZone { return nil }
            } else if expect("Z") || expect("z") {
            } else {
                guard index < bytes.count else { return nil }
                let sign = bytes[index] == UInt8(ascii: "+") ? 1 : bytes[index] == UInt8(ascii: "-") ? -1 : 0
                guard sign != 0 else { return nil }
                index += 1
                guard let zoneHours = number(2), expect(":"), let zoneMinutes = number(2), zoneHours <= 23,
                    zoneMinutes <= 59
                else { return nil }
                offsetSeconds = sign * (zoneHours * 3600 + zoneMinutes * 60)
            }
            guard index == bytes.count else { return nil }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        // timegm normalises 31 February into March: reject dates that do not exist.
        guard parts.tm_mday == Int32(day), parts.tm_mon == Int32(month - 1) else { return nil }
        return Date(timeIntervalSince1970: Double(seconds - offsetSeconds) + fraction)
    }
}
