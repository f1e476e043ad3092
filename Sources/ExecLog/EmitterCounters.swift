/// What became of the executions given to an ``ExecutionLogger``, read with
/// ``ExecutionLogger/counters``. All counts are events unless the name says batches.
///
/// A snapshot is taken under one lock, so at any moment
///
///     recorded + replayed == queued + inFlight + acked + spooled + dropped
///     acked == stored + duplicates + rejected
///
/// Each event is counted in exactly one of the right-hand terms. Without a spool, `replayed`
/// and `spooled` stay 0 and this is `recorded == queued + inFlight + acked + dropped`.
/// With one, an event spooled by this process is `spooled` while it waits on disk, and back in
/// `queued` (then `inFlight`, `acked`) once taken out to be sent; its file keeps it until the
/// ack, and if none comes before shutdown it is `spooled` again. An event an earlier process
/// left in the spool is not counted at all until this process takes it out to send it: it then
/// counts in `replayed` and moves through the same states.
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
    /// Lost: the queue was full (with a spool: and the overflow on its way to the spool too),
    /// `record` came after shutdown, unacknowledged at shutdown without a spool, the spool was
    /// full (`droppedSpoolFull`), or a spooled event could not be read back (corrupted on disk).
    public var dropped = 0
    /// Waiting in the disk spool (not in memory): spooled when the memory bound was full or at
    /// shutdown, and not yet taken out to be sent. Events an earlier process left there are not
    /// counted until taken out (see `replayed`).
    public var spooled = 0
    /// Events an earlier process left in the spool, taken out by this one to be sent.
    public var replayed = 0
    /// The part of `dropped` lost because the spool was full (`maxSpoolBytes`) or could not be
    /// written.
    public var droppedSpoolFull = 0
    /// Corrupt regions skipped when reading spool files (a torn record after a crash, a CRC
    /// mismatch); each hid one record or more. Not part of the equation above.
    public var spoolCorrupt = 0
    /// Bytes in the spool folder's segment files, what earlier processes left included; 0 once
    /// every spooled event has been acknowledged (a segment is deleted when all of it is). Not part
    /// of the equation above.
    public var spoolBytes = 0
    /// Batch messages sent for the first time.
    public var batchesSent = 0
    /// Batch messages sent again after `ackTimeout` without an ack.
    public var batchesResent = 0
    /// `error` replies from the writer.
    public var errorReplies = 0
    /// Secrets and personal data replaced by `[REDACTED:…]` markers (``ContentPolicy``), counted per
    /// replacement. Not part of the equation above.
    public var redactions = 0
    /// The part of `dropped` that the writer has acknowledged in drop reports, so that it shows in
    /// `execlog status` and `execlog stats`. Not part of the equation above: `dropped - dropsReported`
    /// are drops the writer has not heard of (yet: reports go out about once a second; an older
    /// writer does not take them; drops at the shutdown deadline cannot be reported).
    public var dropsReported = 0
    /// Estimated memory held for events not yet acknowledged; at most `maxQueueBytes`, plus,
    /// with a spool, up to `max(maxQueueBytes, 8 MiB)` briefly on their way to it.
    public var bufferedBytes = 0

    public init() {}

    public var description: String {
        "recorded \(recorded), queued \(queued), in flight \(inFlight), acked \(acked) (stored \(stored), "
            + "duplicates \(duplicates), rejected \(rejected)), dropped \(dropped), "
            + "spooled \(spooled), replayed \(replayed), dropped spool full \(droppedSpoolFull), "
            + "batches sent \(batchesSent), resent \(batchesResent)"
    }
}
