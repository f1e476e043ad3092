import ExecLogModel
import Foundation

/// Parses the durations and times people type at the CLI.
public enum TimeArguments {
    /// In seconds, as ``DurationText`` reads it (a bare number is an error: the unit is never guessed).
    public static func duration(_ text: String) throws(CLIError) -> TimeInterval {
        do {
            return try DurationText.seconds(text)
        } catch {
            throw CLIError(error.description)
        }
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
