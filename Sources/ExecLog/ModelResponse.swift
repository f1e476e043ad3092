/// What `ExecutionLogger.track` records from a successful model call. Conform your client's
/// response type to it (usually a few computed properties), so `track` hands you back your own
/// value; or return a ``ModelOutput``.
public protocol ModelResponse {
    /// The text the model answered, stored as `response_content`.
    var responseContent: String? { get }
    var usage: ModelUsage? { get }
    /// Why the model stopped (`stop`, `length`, `tool_use`, …).
    var finishReason: String? { get }
    /// How long the first token took, for streamed calls.
    var timeToFirstToken: Duration? { get }
}

extension ModelResponse {
    public var finishReason: String? { nil }
    public var timeToFirstToken: Duration? { nil }
}
