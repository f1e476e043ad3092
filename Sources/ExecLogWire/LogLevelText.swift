import Logging

/// The one way a log level is read from a flag, a variable or a config file: execlogd's `log-level`
/// and `execlog serve`'s, the names swift-log gives its levels.
public enum LogLevelText {
    public static func parse(_ text: String) throws(LogLevelTextError) -> Logger.Level {
        guard let level = Logger.Level(rawValue: text) else { throw LogLevelTextError(text: text) }
        return level
    }
}

/// A log level that is none of swift-log's, in one line.
public struct LogLevelTextError: Error, Sendable, Hashable, CustomStringConvertible {
    public var text: String

    public var description: String {
        "\(text.debugDescription) is not one of \(Logger.Level.allCases.map(\.rawValue))"
    }
}
