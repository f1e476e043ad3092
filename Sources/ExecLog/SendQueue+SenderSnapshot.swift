extension SendQueue {
    /// The sender's own numbers, published after each turn of its loop. The sender alone writes
    /// them; the queue only stores the last published copy (its own counts are in `State`).
    struct SenderSnapshot {
        var queued = 0
        var inFlight = 0
        var acked = 0
        var stored = 0
        var duplicates = 0
        var rejected = 0
        /// Events on disk and not in memory (see `EmitterCounters.spooled`).
        var spooled = 0
        /// Events an earlier process left in the spool, taken out to be sent.
        var replayed = 0
        /// Lost because the spool was full or failing.
        var droppedSpoolFull = 0
        /// This process's spooled events that could not be read back (corrupted on disk).
        var droppedSpoolCorrupt = 0
        /// Corrupt regions skipped when reading the spool.
        var spoolCorrupt = 0
        /// Size of the spool's segment files (earlier processes' included).
        var spoolBytes = 0
        var batchesSent = 0
        var batchesResent = 0
        var errorReplies = 0
        /// Secrets and personal data replaced by the content policy.
        var redactions = 0
        /// Drops the writer acknowledged in drop reports.
        var dropsReported = 0
        /// Oldest sequence the sender holds unsettled; nil when it holds none.
        var lowestSequence: UInt64?
    }
}
