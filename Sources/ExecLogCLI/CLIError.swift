/// A command that cannot do what was asked, reported as one line (exit status 1), with its kind.
public struct CLIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A mistake in what the user typed: a value, a combination of options.
        case invalidInput
        /// Something outside the command failed: a writer that does not answer, a port in use, a file
        /// that cannot be written.
        case unavailable
    }

    public var kind: Kind
    public var description: String

    public init(_ description: String, kind: Kind = .invalidInput) {
        self.kind = kind
        self.description = description
    }
}
