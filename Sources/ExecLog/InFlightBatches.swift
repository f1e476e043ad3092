import ExecLogWire

/// The sender's bookkeeping, without sockets or clocks of its own (time is passed in), so it is
/// tested on its own.
///
/// Encoded events wait in `pending` until a batch fills (count or bytes) or the oldest has waited
/// `interval`. A batch then goes through:
///
///     ready ──send──▶ sent ──ack / error──▶ (removed, settled)
///       ▲               │
///       └── ackTimeout ─┘   (sent again with the same id)
///
/// Events are kept until their batch is answered, so nothing is lost to a writer restart.
struct InFlightBatches {
    typealias Instant = ContinuousClock.Instant

    struct Limits: Sendable {
        var maxEvents: Int
        var maxBytes: Int
        var interval: Duration
        var ackTimeout: Duration
        var maxInFlight: Int
    }

    struct Event {
        /// Position in record order, for `flush`.
        var sequence: UInt64
        var json: [UInt8]
        /// What the send queue charged for it, given back when it is settled.
        var accountedBytes: Int
        var enqueuedAt: Instant
        /// The spool segment it was taken from, which keeps it until it is settled; nil for an
        /// event that came straight from `record`.
        var spoolSegment: UInt64? = nil
    }

    enum State: Equatable {
        /// To be sent: new, or its ack timed out.
        case ready
        case sent(at: Instant)
    }

    struct Batch {
        let id: String
        var events: [Event]
        var state: State = .ready
        var sendCount = 0
    }

    /// A batch message to send now.
    struct Outgoing {
        var id: String
        var events: [[UInt8]]
        var isResend: Bool
    }

    /// A batch the writer answered.
    struct Settlement: Equatable {
        var batchID: String
        var events = 0
        var accountedBytes = 0
        var stored = 0
        var duplicates = 0
        var rejected = 0
        var rejections: [Ack.Rejection] = []
        /// The ack's counts did not add up to the batch's events (a writer bug); they were adjusted.
        var countMismatch = false
        /// The spool segment of each settled event taken from the spool.
        var spoolSegments: [UInt64] = []
        /// Accounted bytes of those events.
        var spoolBytes = 0
    }

    let limits: Limits
    /// Printable and unique to this emitter, so ids never repeat among its unacked batches.
    let idPrefix: String

    private var pending: [Event] = []
    /// Index of the first pending event: taking a batch from the front is O(batch), not O(queue).
    private var pendingHead = 0
    private var pendingBytes = 0
    private(set) var batches: [Batch] = []
    private var nextBatchNumber: UInt64 = 1

    init(limits: Limits, idPrefix: String) {
        self.limits = limits
        self.idPrefix = idPrefix
    }

    var pendingCount: Int { pending.count - pendingHead }
    var isEmpty: Bool { pendingCount == 0 && batches.isEmpty }

    /// Events not yet sent (pending, or in a batch never sent).
    var queuedEvents: Int {
        batches.reduce(pendingCount) { $0 + ($1.sendCount == 0 ? $1.events.count : 0) }
    }

    /// Events sent at least once and not yet answered.
    var inFlightEvents: Int {
        batches.reduce(0) { $0 + ($1.sendCount > 0 ? $1.events.count : 0) }
    }

    /// The oldest sequence not yet settled, or nil when everything is.
    var lowestSequence: UInt64? {
        var lowest = pendingCount > 0 ? pending[pendingHead].sequence : nil
        for batch in batches {
            if let first = batch.events.first?.sequence, lowest.map({ first < $0 }) ?? true { lowest = first }
        }
        return lowest
    }

    mutating func enqueue(_ event: Event) {
        pending.append(event)
        pendingBytes += event.json.count
    }

    /// The next message to send: a ready batch (oldest first), else a new batch when one is due
    /// and fewer than `maxInFlight` exist. Call ``didSend(_:at:)`` once it is actually sent.
    ///
    /// - Parameter flushThrough: form a batch now, full or not, when it holds events up to this sequence.
    mutating func nextToSend(now: Instant, flushThrough: UInt64? = nil) -> Outgoing? {
        if let index = batches.firstIndex(where: { $0.state == .ready }) {
            let batch = batches[index]
            return Outgoing(id: batch.id, events: batch.events.map(\.json), isResend: batch.sendCount > 0)
        }
        guard batches.count < limits.maxInFlight, isBatchDue(now: now, flushThrough: flushThrough) else {
            return nil
        }
        let batch = formBatch()
        batches.append(batch)
        return Outgoing(id: batch.id, events: batch.events.map(\.json), isResend: false)
    }

    /// Marks a batch sent; its ack is expected by `now + ackTimeout`.
    mutating func didSend(_ id: String, at now: Instant) {
        guard let index = batches.firstIndex(where: { $0.id == id }) else { return }
        batches[index].state = .sent(at: now)
        batches[index].sendCount += 1
    }

    /// Makes every batch whose ack is overdue ready to be sent again; returns their ids.
    @discardableResult
    mutating func expireTimeouts(now: Instant) -> [String] {
        var expired: [String] = []
        for index in batches.indices {
            if case .sent(let at) = batches[index].state, now >= at + limits.ackTimeout {
                batches[index].state = .ready
                expired.append(batches[index].id)
            }
        }
        return expired
    }

    /// The connection to the writer was lost and is back: nothing sent on the old one will be answered.
    /// Makes every sent batch ready at once, as if its ack were overdue (same id: the writer counts what
    /// it already committed as duplicates). Returns their ids.
    @discardableResult
    mutating func resendAllNow() -> [String] {
        var ids: [String] = []
        for index in batches.indices where batches[index].state != .ready {
            batches[index].state = .ready
            ids.append(batches[index].id)
        }
        return ids
    }

    /// Settles a batch with the writer's ack. Nil for an id not in flight (e.g. the ack of a
    /// resend, after the first ack already settled the batch).
    mutating func acknowledge(_ batchID: String, _ ack: Ack) -> Settlement? {
        guard let batch = remove(batchID) else { return nil }
        var settlement = Settlement(batchID: batchID)
        settlement.events = batch.events.count
        settlement.accountedBytes = batch.events.reduce(0) { $0 + $1.accountedBytes }
        settlement.stored = min(max(0, ack.stored), batch.events.count)
        settlement.duplicates = min(max(0, ack.duplicates), batch.events.count - settlement.stored)
        // Whatever the writer did not say it kept is counted as rejected, so the counters always add up.
        settlement.rejected = batch.events.count - settlement.stored - settlement.duplicates
        settlement.rejections = ack.rejected
        settlement.countMismatch = ack.eventCount != batch.events.count
        Self.noteSpoolOrigins(batch, in: &settlement)
        return settlement
    }

    /// Settles a batch the writer answered with an error: it could not read the message, and
    /// would not read it the next time either, so its events are rejected rather than resent.
    mutating func reject(_ batchID: String) -> Settlement? {
        guard let batch = remove(batchID) else { return nil }
        var settlement = Settlement(
            batchID: batchID,
            events: batch.events.count,
            accountedBytes: batch.events.reduce(0) { $0 + $1.accountedBytes },
            rejected: batch.events.count
        )
        Self.noteSpoolOrigins(batch, in: &settlement)
        return settlement
    }

    private static func noteSpoolOrigins(_ batch: Batch, in settlement: inout Settlement) {
        for event in batch.events {
            if let segment = event.spoolSegment {
                settlement.spoolSegments.append(segment)
                settlement.spoolBytes += event.accountedBytes
            }
        }
    }

    /// When something next needs doing without any message arriving: a pending batch's interval
    /// ends, or an ack is overdue. Nil when nothing waits on time.
    ///
    /// - Parameter includingPending: false while the socket accepts nothing, when forming a
    ///   batch would not help.
    func nextDeadline(flushThrough: UInt64? = nil, includingPending: Bool = true) -> Instant? {
        var deadline: Instant?
        func consider(_ instant: Instant) {
            if deadline.map({ instant < $0 }) ?? true { deadline = instant }
        }
        if includingPending, pendingCount > 0, batches.count < limits.maxInFlight {
            let oldest = pending[pendingHead]
            if let flushThrough, oldest.sequence <= flushThrough {
                consider(oldest.enqueuedAt)
            } else {
                consider(oldest.enqueuedAt + limits.interval)
            }
        }
        for batch in batches {
            if case .sent(let at) = batch.state { consider(at + limits.ackTimeout) }
        }
        return deadline
    }

    /// Empties everything (shutdown): how many events and accounted bytes were still unsettled,
    /// and the lowest sequence among them.
    mutating func removeAll() -> (events: Int, accountedBytes: Int, lowestSequence: UInt64?) {
        let lowest = lowestSequence
        var events = pendingCount
        var bytes = pending[pendingHead...].reduce(0) { $0 + $1.accountedBytes }
        for batch in batches {
            events += batch.events.count
            bytes += batch.events.reduce(0) { $0 + $1.accountedBytes }
        }
        pending = []
        pendingHead = 0
        pendingBytes = 0
        batches = []
        return (events, bytes, lowest)
    }

    /// Empties everything (shutdown with a spool) and returns the unsettled events.
    mutating func removeAllEvents() -> [Event] {
        var events = Array(pending[pendingHead...])
        for batch in batches { events += batch.events }
        pending = []
        pendingHead = 0
        pendingBytes = 0
        batches = []
        return events
    }

    // MARK: - Private

    private func isBatchDue(now: Instant, flushThrough: UInt64?) -> Bool {
        guard pendingCount > 0 else { return false }
        let oldest = pending[pendingHead]
        return pendingCount >= limits.maxEvents || pendingBytes >= limits.maxBytes
            || now >= oldest.enqueuedAt + limits.interval
            || flushThrough.map { oldest.sequence <= $0 } ?? false
    }

    /// Takes events from the front of `pending` up to the count and byte limits (at least one,
    /// so an event larger than `maxBytes` still goes, alone).
    private mutating func formBatch() -> Batch {
        var end = pendingHead
        var bytes = 0
        while end < pending.count, end - pendingHead < limits.maxEvents {
            let size = pending[end].json.count
            if end > pendingHead, bytes + size > limits.maxBytes { break }
            bytes += size
            end += 1
        }
        let events = Array(pending[pendingHead..<end])
        pendingHead = end
        pendingBytes -= bytes
        compactPending()
        let id = "\(idPrefix)-\(nextBatchNumber)"
        nextBatchNumber += 1
        return Batch(id: id, events: events)
    }

    private mutating func compactPending() {
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        } else if pendingHead >= 4096, pendingHead * 2 >= pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    private mutating func remove(_ batchID: String) -> Batch? {
        guard let index = batches.firstIndex(where: { $0.id == batchID }) else { return nil }
        return batches.remove(at: index)
    }
}
