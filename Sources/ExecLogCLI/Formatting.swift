import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Numbers, durations and dates written for people.
public enum Formatting {
    /// `1234567` → `1,234,567`
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// `850` → `850 ms`, `1234` → `1.23 s`, `754000` → `12m 34s`, `9000000` → `2h 30m`, and days past 24 hours.
    /// Each form rounds half up to its last unit, so that no part reads 60 (Tests/formatting/durations.json
    /// holds the cases the page's formatter is tested against too).
    public static func milliseconds(_ value: Int?) -> String {
        guard let value else { return "–" }
        if value < 1_000 { return "\(value) ms" }
        if value < 59_995 {
            let centiseconds = (value + 5) / 10
            let fraction = centiseconds % 100
            return "\(centiseconds / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
        }
        let seconds = (value + 500) / 1_000
        if seconds < 3_600 { return "\(seconds / 60)m \(seconds % 60)s" }
        let minutes = (value + 30_000) / 60_000
        if minutes < 1_440 { return "\(minutes / 60)h \(minutes % 60)m" }
        let hours = (value + 1_800_000) / 3_600_000
        return "\(hours / 24)d \(hours % 24)h"
    }

    /// An average: rounded to the millisecond first, then written as above.
    public static func milliseconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return milliseconds(Int(value.rounded(.toNearestOrAwayFromZero)))
    }

    /// `33554432` → `32 MiB`, `1536` → `1.5 KiB`, `900` → `900 bytes`.
    public static func bytes(_ value: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard value >= 1_024 else { return "\(count(value)) bytes" }
        var scaled = Double(value) / 1_024
        var unit = 0
        while scaled >= 1_024, unit < units.count - 1 {
            scaled /= 1_024
            unit += 1
        }
        let number = scaled == scaled.rounded() ? String(Int(scaled)) : String(format: "%.1f", scaled)
        return "\(number) \(units[unit])"
    }

    /// `1 execution`, `2,000 executions`.
    public static func plural(_ value: Int, _ noun: String) -> String {
        "\(count(value)) \(noun)\(value == 1 ? "" : "s")"
    }

    public static func percent(_ ratio: Double) -> String {
        String(format: "%.2f%%", ratio * 100)
    }

    /// `2026-11-27 11:55:45` in the local time zone (TZ applies), as people read their own logs.
    public static func localTime(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }

    /// The local zone's abbreviation, e.g. `UTC` or `CET`.
    public static func localZoneName(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return parts.tm_zone.map { String(cString: $0) } ?? ""
    }
}
