import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One line of progress on stderr, rewritten in place, for long commands; nothing when stderr is not a
/// terminal (a log file gets only the result).
public struct ProgressLine: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public static var standardError: ProgressLine { ProgressLine(enabled: isatty(STDERR_FILENO) == 1) }

    public func update(_ text: String) {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8)) }
    }

    /// Clears the line.
    public func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
