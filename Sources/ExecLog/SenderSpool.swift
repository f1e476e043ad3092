import ExecLogWire
import Logging

/// The sender's side of the disk spool, used on the sender thread only: it writes the executions
/// that did not fit in memory (and, at shutdown, whatever is unacked), takes spooled events back while
/// memory allows, tells the spool which were acked, and counts what the spool lost, in the sender's
/// counters.
struct SenderSpool {
    let spool: Spool
    private let maxQueueBytes: Int
    private let logger: Logger
    /// Accounted bytes of events taken from the spool and not yet settled.
    private var replayBytesInMemory = 0
    private var reportedLostOwnRecords = 0
    /// Spool drops logged so far.
    private(set) var reportedDrops = 0
    private var failureLog = RateLimitedLog()
    private var dropLog = RateLimitedLog()

    init(_ spool: Spool, maxQueueBytes: Int, logger: Logger) {
        self.spool = spool
        self.maxQueueBytes = maxQueueBytes
        self.logger = logger
    }

    /// The loop stops trying to deliver this long before the stop deadline, to write what is unacked
    /// to the spool by the deadline: 100 ms, plus 1 ms per 1 000 events held.
    static func margin(heldEvents: Int) -> Duration {
        .milliseconds(100 + heldEvents / 1_000)
    }

    /// Spools one of this process's events; false (counted, dropped) when the spool refuses it.
    @discardableResult
    mutating func append(_ json: [UInt8], sequence: UInt64, counters: inout SendQueue.SenderSnapshot) -> Bool {
        switch spool.append(json, sequence: sequence) {
        case .spooled:
            counters.spooled += 1
            return true
        case .full:
            counters.droppedSpoolFull += 1
            return false
        case .failed(let error):
            counters.droppedSpoolFull += 1
            let metadata: Logger.Metadata = ["error": "\(error)"]
            failureLog.log(.error, "execlog: cannot write to the spool; executions dropped", metadata: metadata, to: logger)
            return false
        }
    }

    /// The end of a burst of appends: the spool syncs per its `SpoolSync`, and new drops are logged.
    mutating func endOfBurst(counters: SendQueue.SenderSnapshot) {
        spool.endOfBurst()
        guard counters.droppedSpoolFull > reportedDrops else { return }
        let metadata: Logger.Metadata = [
            "dropped": "\(counters.droppedSpoolFull - reportedDrops)", "dropped_total": "\(counters.droppedSpoolFull)",
            "max_spool_bytes": "\(spool.maxBytes)",
        ]
        let logged = dropLog.log(.warning, "execlog: spool full, executions dropped", metadata: metadata, to: logger)
        if logged { reportedDrops = counters.droppedSpoolFull }
    }

    /// Takes spooled events back into `batches` while the memory bound allows (and at most half of it
    /// for them, so new records keep room), to be sent like any other.
    mutating func replay(
        into batches: inout InFlightBatches, sequence: UInt64, now: ContinuousClock.Instant, queue: SendQueue,
        counters: inout SendQueue.SenderSnapshot
    ) {
        guard spool.hasUnread else { return }
        let budget = max(1, maxQueueBytes / 2)
        var inMemory = replayBytesInMemory
        let records = spool.take { jsonBytes in
            let memory = HeapSize.encodedEvent(jsonBytes: jsonBytes)
            if inMemory > 0, inMemory + memory > budget { return false }
            guard queue.reserve(memory) else { return false }
            inMemory += memory
            return true
        }
        replayBytesInMemory = inMemory
        for record in records {
            if record.isFromEarlierProcess { counters.replayed += 1 } else { counters.spooled -= 1 }
            batches.enqueue(
                .init(
                    sequence: sequence, json: record.json, accountedBytes: HeapSize.encodedEvent(jsonBytes: record.json.count),
                    enqueuedAt: now,
                    spoolSegment: record.segment))
        }
        noteLosses(counters: &counters)
    }

    /// Acked or rejected events that came from the spool leave it.
    mutating func settle(_ settlement: InFlightBatches.Settlement) {
        for segment in settlement.spoolSegments { spool.settle(segment: segment) }
        replayBytesInMemory -= settlement.spoolBytes
    }

    /// Own spooled events found corrupt when read back: no longer spooled, lost.
    mutating func noteLosses(counters: inout SendQueue.SenderSnapshot) {
        counters.spoolCorrupt = spool.corruptRegions
        let lost = spool.lostOwnRecords - reportedLostOwnRecords
        guard lost > 0 else { return }
        reportedLostOwnRecords = spool.lostOwnRecords
        counters.spooled -= lost
        counters.droppedSpoolCorrupt += lost
    }

    /// Shutdown: what is unacked goes to the spool instead of being dropped; events that came from the
    /// spool are still in their segment, and stay there. Returns how many were spooled now and the
    /// lowest sequence that could not be (flushes covering it can no longer succeed in this process).
    mutating func close(
        unacked events: [InFlightBatches.Event], counters: inout SendQueue.SenderSnapshot
    ) -> (spooledNow: Int, lowestLost: UInt64?) {
        var spooledNow = 0
        var lowestLost: UInt64?
        for event in events {
            if event.spoolSegment != nil {
                counters.spooled += 1
            } else if append(event.json, sequence: event.sequence, counters: &counters) {
                spooledNow += 1
            } else {
                lowestLost = min(lowestLost ?? event.sequence, event.sequence)
            }
        }
        spool.endOfBurst()
        noteLosses(counters: &counters)
        let lowest = [lowestLost, spool.lowestOwnSequence].compactMap { $0 }.min()
        spool.close()
        return (spooledNow, lowest)
    }
}
