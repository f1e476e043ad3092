/// Why an execution (or an event on the wire) is not acceptable, in one line that names the field.
public struct ExecutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending field (`input_tokens`, `tags.[2]`), or nil when the whole event is at fault.
    public var field: String?
    public var reason: String

    public init(field: String?, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String {
        if let field { "\(field): \(reason)" } else { reason }
    }
}
