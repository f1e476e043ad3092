#if canImport(Glibc)
    import Glibc
#endif

/// ANSI colours, used only when the output is a terminal and NO_COLOR is not set (no-color.org):
/// a pipe or a file gets plain text.
public struct TerminalStyle: Sendable {
    public var enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    /// Colours on when standard output is a terminal.
    public static var standardOutput: TerminalStyle {
        TerminalStyle(enabled: isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil)
    }

    public func red(_ text: String) -> String { wrap(text, "31") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    /// A search match: bold yellow.
    public func highlight(_ text: String) -> String { wrap(text, "1;33") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
