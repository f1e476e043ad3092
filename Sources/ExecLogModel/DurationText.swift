/// The one way execlog reads a duration a person typed, in a flag, an environment variable or a
/// config file: a number and a unit without a space, `250ms`, `45s`, `90m`, `12h`, `30d`, `2w`,
/// `1.5h`. A bare number is an error: the unit is never guessed (docs/DAEMON.md).
public enum DurationText {
    /// Longest first where one is the other's suffix (`ms` before `s`).
    static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400), ("w", 604_800),
    ]
    /// Ten thousand years is further back than any timestamp can go.
    static let longestSeconds = 10_000.0 * 365 * 86_400

    /// In seconds.
    public static func seconds(_ text: String) throws(DurationTextError) -> Double {
        guard let (suffix, seconds) = units.first(where: { text.hasSuffix($0.suffix) }),
            case let number = text.dropLast(suffix.count),
            !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let amount = Double(number), amount.isFinite
        else { throw DurationTextError(text: text, reason: .notADuration) }
        guard amount * seconds < longestSeconds else { throw DurationTextError(text: text, reason: .tooLong) }
        return amount * seconds
    }

    /// Kept to the millisecond.
    public static func parse(_ text: String) throws(DurationTextError) -> Duration {
        .milliseconds(Int64((try seconds(text) * 1000).rounded()))
    }

    /// The shortest form this parser reads back: `20ms`, `30s`, `30d`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        for (suffix, seconds) in units.reversed() where suffix != "ms" {
            let unit = Int64(seconds * 1000)
            if milliseconds != 0, milliseconds % unit == 0 { return "\(milliseconds / unit)\(suffix)" }
        }
        return "\(milliseconds)ms"
    }
}

/// A duration that ``DurationText`` cannot read, with a one-line reason naming the text.
public struct DurationTextError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// Not a number and a unit.
        case notADuration
        /// Past ten thousand years.
        case tooLong
    }

    public var text: String
    public var reason: Reason

    public var description: String {
        switch reason {
        case .notADuration:
            "invalid duration \(text.debugDescription): expected a number and a unit ms, s, m, h, d or w (e.g. 30d)"
        case .tooLong:
            "invalid duration \(text.debugDescription): too long"
        }
    }
}
