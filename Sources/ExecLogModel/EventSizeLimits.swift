/// The byte limits a writer puts on each event, beside the protocol's fixed field limits
/// (`Execution.Limits`). Set per writer (`execlogd --max-event-bytes`, `--max-field-bytes`): an event
/// past them is rejected with its reason and kept as a dead letter, like any other invalid event.
public struct EventSizeLimits: Sendable, Hashable {
    /// The largest event, in bytes of JSON as received.
    public var maxEventBytes: Int
    /// The largest content field, in UTF-8 bytes: `system_prompt`, `response_content` and
    /// `error_message` as text; `input_messages` and `execution_metadata` as the compact JSON stored.
    public var maxFieldBytes: Int

    public static let defaultMaxEventBytes = 32 << 20
    public static let defaultMaxFieldBytes = 16 << 20

    public init(maxEventBytes: Int = Self.defaultMaxEventBytes, maxFieldBytes: Int = Self.defaultMaxFieldBytes) {
        self.maxEventBytes = maxEventBytes
        self.maxFieldBytes = maxFieldBytes
    }

    /// Refuses an event larger than `maxEventBytes`, before it is parsed.
    public func checkEvent(bytes: Int) throws(ExecutionError) {
        guard bytes <= maxEventBytes else {
            throw ExecutionError(field: nil, "event of \(bytes) bytes, more than max-event-bytes \(maxEventBytes)")
        }
    }

    /// Refuses a content field larger than `maxFieldBytes`. Texts are measured directly (their UTF-8
    /// length is known). The JSON fields are serialized to be measured only when they could pass the
    /// limit: `eventBytes` is the size of the JSON they came from, and their stored form is at most
    /// `jsonGrowth` times longer (a number written `9e18`, 4 bytes, is stored with 19 digits), so
    /// small events, nearly all of them, cost no measuring.
    public func checkFields(of execution: Execution, eventBytes: Int) throws(ExecutionError) {
        // One by one: an array of the three would allocate for every event the writer decodes.
        if let bytes = execution.systemPrompt?.utf8.count { try check(bytes, "system_prompt") }
        if let bytes = execution.responseContent?.utf8.count { try check(bytes, "response_content") }
        if let bytes = execution.errorMessage?.utf8.count { try check(bytes, "error_message") }
        guard eventBytes.multipliedReportingOverflow(by: Self.jsonGrowth).partialValue > maxFieldBytes else { return }
        try check(execution.inputMessages.serialized().utf8.count, "input_messages")
        if let metadata = execution.executionMetadata {
            try check(metadata.serialized().utf8.count, "execution_metadata")
        }
    }

    /// The most a JSON value's compact form can outgrow its source: a number of 4 bytes (`9e18`)
    /// becomes 19 digits; everything else shrinks or stays.
    static let jsonGrowth = 5

    private func check(_ bytes: Int, _ field: String) throws(ExecutionError) {
        guard bytes <= maxFieldBytes else {
            throw ExecutionError(field: field, "\(bytes) bytes, more than max-field-bytes \(maxFieldBytes)")
        }
    }
}
