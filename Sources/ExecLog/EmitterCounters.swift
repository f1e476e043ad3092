/// What became of the executions given to an ``ExecutionLogger``, read with
/// ``ExecutionLogger/counters``. All counts are events unless the name says batches.
///
/// A snapshot is taken under one lock, so at any moment
/// `recorded == queued + inFlight + acked + dropped` and `acked == stored + duplicates + rejected`.
public struct EmitterCounters: Sendable, Hashable, CustomStringConvertible {
    /// Calls to `record` (and `track`), kept or not.
    public var recorded = 0
    /// Waiting to be sent.
    public var queued = 0
    /// Sent, waiting for their ack (including batches waiting to be sent again).
    public var inFlight = 0
    /// Answered by the writer: `stored + duplicates + rejected`.
    public var acked = 0
    /// Committed by the writer.
    public var stored = 0
    /// Already in the store (a resend, or an id recorded twice): not stored again.
    public var duplicates = 0
    /// Refused by the writer (invalid event, or a batch it answered with an error).
    public var rejected = 0
    /// Lost: the queue was full, `record` came after shutdown, or unacknowledged at shutdown.
    public var dropped = 0
    /// Batch messages sent for the first time.
    public var batchesSent = 0
    /// Batch messages sent again after `ackTimeout` without an ack.
    public var batchesResent = 0
    /// `error` replies from the writer.
    public var errorReplies = 0
    /// Estimated memory held for events not yet acknowledged; at most `maxQueueBytes`.
    public var bufferedBytes = 0

    public init() {}

    public var description: String {
        "recorded \(recorded), queued \(queued), in flight \(inFlight), acked \(acked) (stored \(stored), "
            + "duplicates \(duplicates), rejected \(rejected)), dropped \(dropped), "
            + "batches sent \(batchesSent), resent \(batchesResent)"
    }
}
