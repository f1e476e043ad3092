/// A mistake in what the user typed, reported as one line.
public struct CLIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
