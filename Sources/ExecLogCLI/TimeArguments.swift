import ExecLogModel
import Foundation

/// Parses the durations and times people type at the CLI.
public enum TimeArguments {
    /// `250ms`, `45s`, `90m`, `12h`, `30d`, `2w` (a bare number is an error: the unit is never guessed).
    public static func duration(_ text: String) throws(CLIError) -> TimeInterval {
        let units: [(suffix: String, seconds: TimeInterval)] = [
            ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400), ("w", 604_800),
        ]
        guard let (suffix, seconds) = units.first(where: { text.hasSuffix($0.suffix) }),
            case let number = text.dropLast(suffix.count), let amount = Double(number),
            amount.isFinite, amount >= 0, !number.contains(where: { !$0.isNumber && $0 != "." })
        else {
            throw CLIError(
                "invalid duration \(text.debugDescription): expected a number and a unit ms, s, m, h, d or w (e.g. 30d)")
        }
        // Ten thousand years is further back than any timestamp can go.
        guard amount * seconds < 10_000 * 365 * 86_400 else {
            throw CLIError("invalid duration \(text.debugDescription): too long")
        }
        return amount * seconds
    }

    /// A point in time: RFC 3339 (`2026-11-27T10:00:00Z`), a date (`2026-11-27`, midnight UTC), a date and
    /// time without zone (UTC), or a duration meaning that long before `now` (`24h`).
    public static func time(_ text: String, now: Date = Date()) throws(CLIError) -> Date {
        if let date = Timestamp.parseLenient(text) { return date }
        if let seconds = try? duration(text), Timestamp.range.contains(now.addingTimeInterval(-seconds)) {
            return now.addingTimeInterval(-seconds)
        }
        throw CLIError(
            "invalid time \(text.debugDescription): expected a date (2026-11-27), an RFC 3339 time (2026-11-27T10:00:00Z) or a duration ago (24h)"
        )
    }
}
