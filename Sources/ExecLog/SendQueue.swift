import Dispatch
import ExecLogModel
import Synchronization
import ZeroMQ

/// What the recording threads and the sender thread share, behind one `Mutex`: the bounded queue
/// of executions not yet taken by the sender, the counters, and the requests (flush, stop).
///
/// Recording is a lock and an append: no JSON, no allocation beyond the array's amortised growth,
/// no libzmq, no file I/O, and in a steady stream of records no system call either. The sender
/// comes back on its own every `batchInterval` while records keep coming (`Sleep.ticking`), so an
/// append signals the `eventfd` only when the sender sleeps without such a timer (`Sleep.idle`: the
/// first record after `Sender.tickingLinger` without any), or when a whole batch is waiting.
/// Signalling on every append made the recording thread wake the sender and, on a busy machine, be
/// preempted by it for the sender's whole turn: that was most of record()'s p99.
///
/// With a spool (`spooling`), an execution that does not fit in `maxBytes` goes to a second list,
/// `overflow`, bounded by `maxOverflowBytes`; the sender moves it to the disk spool on its next turn.
final class SendQueue: Sendable {
    struct Entry {
        var sequence: UInt64
        var execution: Execution
        /// What it is charged: its estimated memory in `entries` (the bound counts memory), its
        /// estimated JSON size in `overflow` (on its way to the spool).
        var bytes: Int
    }

    /// What the sender finds when it looks at the queue.
    struct Intake {
        var stopDeadline: ContinuousClock.Instant?
        var flushThrough: UInt64?
        /// Calls dropped because the queue was full, since the start.
        var droppedFull: Int
        /// Calls dropped because they came after shutdown, since the start.
        var droppedClosed: Int = 0
        /// When the first of the executions taken was appended: their batch's wait starts then,
        /// not when a ticking sender came around to take them.
        var queuedSince: ContinuousClock.Instant? = nil
    }

    /// How the sender sleeps, which tells `append` whether it must be woken.
    enum Sleep {
        /// Running its loop: it takes what is queued before it sleeps again.
        case awake
        /// Back on its own within `batchInterval`: wake it only for a full batch.
        case ticking
        /// No timer bounds its wait for new records: the first append wakes it.
        case idle
    }

    enum FlushState {
        case pending, settled, lost
    }

    private enum Waiter {
        case task(CheckedContinuation<Void, Never>)
        case thread(DispatchSemaphore)
    }

    private struct State {
        var entries: [Entry] = []
        /// Executions past `maxBytes`, on their way to the spool (only with one).
        var overflow: [Entry] = []
        var overflowBytes = 0
        var nextSequence: UInt64 = 0
        /// Memory of every accepted, unsettled event (queue, sender, in flight): estimated while it
        /// waits here, exact once the sender encoded it (see `EstimatedSize`).
        var bytes = 0
        var recorded = 0
        var droppedFull = 0
        var droppedClosed = 0
        /// Dropped when the sender finished: what it could neither deliver nor spool, and what was
        /// still queued.
        var droppedAtStop = 0
        /// Executions the sender took since it last published: its snapshot does not count them yet.
        var takenUnpublished = 0
        var lowestTakenUnpublished: UInt64?
        /// Estimated JSON bytes in `entries` and `overflow` (taken together by the sender): a batch's worth
        /// wakes a ticking sender.
        var queuedBytes = 0
        /// When `entries` and `overflow` were last empty and got an execution.
        var queuedSince: ContinuousClock.Instant?
        var closed = false
        var sleep = Sleep.awake
        var stopDeadline: ContinuousClock.Instant?
        var flushThrough: UInt64?
        /// Lowest sequence dropped at shutdown: flushes that covered it can no longer succeed.
        var lowestLost: UInt64?
        var sender = SenderSnapshot()
        var finished = false
        var waiters: [Waiter] = []
    }

    let maxBytes: Int
    /// Whether the sender has a spool to take what does not fit in `maxBytes`.
    let spooling: Bool
    /// Bound of `overflow`: what may wait in memory, past `maxBytes`, for the sender to spool it.
    let maxOverflowBytes: Int
    /// A ticking sender is woken once this many executions, or `batchBytes` estimated bytes, wait:
    /// a full batch is due at once.
    let batchEvents: Int
    let batchBytes: Int
    private let state: Mutex<State>
    /// Nil only if the eventfd could not be created; then the logger never starts.
    private let wakeup: WakeupSignal?

    /// `spoolBytes`: what the spool holds at start, so that counters tell it before the sender's
    /// first turn.
    init(
        maxBytes: Int, wakeup: WakeupSignal?, spooling: Bool = false, spoolBytes: Int = 0, batchEvents: Int = 500,
        batchBytes: Int = 1 << 20
    ) {
        var initial = State()
        initial.sender.spoolBytes = spoolBytes
        state = Mutex(initial)
        self.maxBytes = maxBytes
        self.batchEvents = max(1, batchEvents)
        self.batchBytes = max(1, batchBytes)
        self.wakeup = wakeup
        self.spooling = spooling
        self.maxOverflowBytes = max(maxBytes, 8 << 20)
    }

    enum AppendResult {
        /// In memory, to be sent.
        case queued
        /// Past the memory bound, in the overflow list: the sender will spool it.
        case overflow
        /// Dropped: past the memory bound (and the overflow bound, with a spool).
        case full
        /// Dropped: the logger is shut down.
        case closed
    }

    // MARK: - Recording threads

    /// Queues an execution unless the memory bound is reached or the logger is shut down.
    func append(_ execution: Execution, size: EstimatedSize) -> AppendResult {
        let (result, wake) = state.withLock { state -> (AppendResult, Bool) in
            state.recorded += 1
            if state.closed {
                state.droppedClosed += 1
                return (.closed, false)
            }
            let wasEmpty = state.entries.isEmpty && state.overflow.isEmpty
            let result: AppendResult
            if state.bytes + size.memory <= maxBytes {
                state.bytes += size.memory
                state.entries.append(Entry(sequence: state.nextSequence, execution: execution, bytes: size.memory))
                result = .queued
            } else if spooling, state.overflowBytes + size.json <= maxOverflowBytes {
                state.overflowBytes += size.json
                state.overflow.append(Entry(sequence: state.nextSequence, execution: execution, bytes: size.json))
                result = .overflow
            } else {
                state.droppedFull += 1
                return (.full, false)
            }
            state.nextSequence += 1
            state.queuedBytes += size.json
            // One clock read per burst, not per call.
            if wasEmpty { state.queuedSince = .now }
            let wake: Bool
            switch state.sleep {
            case .awake: wake = false
            case .idle: wake = true
            case .ticking:
                wake = state.entries.count + state.overflow.count >= batchEvents || state.queuedBytes >= batchBytes
            }
            if wake { state.sleep = .awake }
            return (result, wake)
        }
        // Outside the lock: a write(2) the sender may be waiting on.
        if wake { wakeup?.signal() }
        return result
    }

    /// Asks the sender to send everything recorded so far without waiting for batches to fill.
    /// Returns the sequence to wait for, or nil when nothing was ever queued.
    func requestFlush() -> UInt64? {
        let (target, wake) = state.withLock { state -> (UInt64?, Bool) in
            guard state.nextSequence > 0 else { return (nil, false) }
            let target = state.nextSequence - 1
            state.flushThrough = max(state.flushThrough ?? 0, target)
            let wake = state.sleep != .awake
            state.sleep = .awake
            return (target, wake)
        }
        if wake { wakeup?.signal() }
        return target
    }

    func flushState(through target: UInt64) -> FlushState {
        state.withLock { state in
            if let lost = state.lowestLost, lost <= target { return .lost }
            let lowest = [
                state.entries.first?.sequence, state.overflow.first?.sequence, state.lowestTakenUnpublished,
                state.sender.lowestSequence,
            ].compactMap { $0 }.min()
            if lowest.map({ $0 > target }) ?? true { return .settled }
            return state.finished ? .lost : .pending
        }
    }

    /// Stops accepting executions and gives the sender until `deadline` to deliver what it holds.
    /// An earlier deadline than one already set wins; later calls cannot extend it.
    func requestStop(deadline: ContinuousClock.Instant) {
        let wake = state.withLock { state -> Bool in
            state.closed = true
            state.stopDeadline = min(state.stopDeadline ?? deadline, deadline)
            state.sleep = .awake
            return !state.finished
        }
        if wake { wakeup?.signal() }
    }

    var counters: EmitterCounters {
        state.withLock { state in
            var counters = EmitterCounters()
            counters.recorded = state.recorded
            counters.queued = state.entries.count + state.overflow.count + state.takenUnpublished + state.sender.queued
            counters.inFlight = state.sender.inFlight
            counters.acked = state.sender.acked
            counters.stored = state.sender.stored
            counters.duplicates = state.sender.duplicates
            counters.rejected = state.sender.rejected
            counters.dropped = state.droppedFull + state.droppedClosed + state.droppedAtStop
                + state.sender.droppedSpoolFull + state.sender.droppedSpoolCorrupt
            counters.spooled = state.sender.spooled
            counters.replayed = state.sender.replayed
            counters.droppedSpoolFull = state.sender.droppedSpoolFull
            counters.spoolCorrupt = state.sender.spoolCorrupt
            counters.spoolBytes = state.sender.spoolBytes
            counters.batchesSent = state.sender.batchesSent
            counters.batchesResent = state.sender.batchesResent
            counters.errorReplies = state.sender.errorReplies
            counters.redactions = state.sender.redactions
            counters.dropsReported = state.sender.dropsReported
            counters.bufferedBytes = state.bytes + state.overflowBytes
            return counters
        }
    }

    var isFinished: Bool { state.withLock { $0.finished } }

    /// Suspends the task until the sender has finished. Never blocks a thread of the pool.
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.finished { return true }
                state.waiters.append(.task(continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Blocks the calling thread until the sender has finished or `deadline` passes.
    func waitUntilFinishedBlocking(deadline: ContinuousClock.Instant) -> Bool {
        let semaphore = DispatchSemaphore(value: 0)
        let done = state.withLock { state -> Bool in
            if state.finished { return true }
            state.waiters.append(.thread(semaphore))
            return false
        }
        if done { return true }
        let remaining = max(.zero, ContinuousClock.now.duration(to: deadline))
        let nanoseconds = remaining.components.seconds * 1_000_000_000
            + remaining.components.attoseconds / 1_000_000_000
        return semaphore.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success
    }

    // MARK: - Sender thread

    /// ``take(into:overflow:)`` for a queue without spooling (its overflow is always empty).
    func take(into buffer: inout [Entry]) -> Intake {
        var overflow: [Entry] = []
        let intake = take(into: &buffer, overflow: &overflow)
        assert(overflow.isEmpty, "take(into:) on a spooling queue")
        return intake
    }

    /// Moves the queued executions into `buffer`, and those past the memory bound into `overflow`
    /// (both should be empty; their capacity is swapped in so neither side reallocates in the
    /// steady state), with the requests pending. Overflow bytes are released at once: the sender
    /// writes those executions to the spool before it does anything else.
    func take(into buffer: inout [Entry], overflow: inout [Entry]) -> Intake {
        state.withLock { state in
            swap(&state.entries, &buffer)
            swap(&state.overflow, &overflow)
            state.overflowBytes = 0
            state.queuedBytes = 0
            let queuedSince = state.queuedSince
            state.queuedSince = nil
            state.sleep = .awake
            // Keep the counters exact until the sender publishes: these are its events now.
            state.takenUnpublished += buffer.count + overflow.count
            if let first = [buffer.first?.sequence, overflow.first?.sequence].compactMap({ $0 }).min() {
                state.lowestTakenUnpublished = min(state.lowestTakenUnpublished ?? first, first)
            }
            return Intake(
                stopDeadline: state.stopDeadline, flushThrough: state.flushThrough, droppedFull: state.droppedFull,
                droppedClosed: state.droppedClosed, queuedSince: queuedSince)
        }
    }

    /// Called by the sender just before it sleeps: false (do not sleep) when work arrived meanwhile.
    /// Otherwise a flush or stop will signal the wakeup, and so will an append: the first one when
    /// `ticking` is false, else the one that completes a batch (the sender promises to be back
    /// within `batchInterval`).
    func prepareToWait(knownFlushThrough: UInt64?, knownStop: ContinuousClock.Instant?, ticking: Bool = false)
        -> Bool
    {
        state.withLock { state in
            guard state.entries.isEmpty, state.overflow.isEmpty, state.flushThrough == knownFlushThrough,
                state.stopDeadline == knownStop
            else { return false }
            state.sleep = ticking ? .ticking : .idle
            return true
        }
    }

    /// Charges `bytes` (an event the sender takes from the spool) to the memory bound, if they
    /// fit, or if nothing at all is held (so an event larger than the bound still goes, alone).
    func reserve(_ bytes: Int) -> Bool {
        state.withLock { state in
            guard state.bytes == 0 || state.bytes + bytes <= maxBytes else { return false }
            state.bytes += bytes
            return true
        }
    }

    /// The sender's counters after a turn, which count everything it took before it. Returns the
    /// memory now held against the bound.
    @discardableResult
    func publish(_ snapshot: SenderSnapshot, settledBytes: Int) -> Int {
        state.withLock { state in
            state.sender = snapshot
            state.takenUnpublished = 0
            state.lowestTakenUnpublished = nil
            state.bytes -= settledBytes
            return state.bytes
        }
    }

    /// The sender's last act: drops whatever is left, marks the logger finished, wakes waiters.
    func finish(_ snapshot: SenderSnapshot, settledBytes: Int, lost: (events: Int, lowestSequence: UInt64?))
        -> (droppedAtStop: Int, droppedFull: Int)
    {
        let (waiters, counts) = state.withLock { state -> ([Waiter], (Int, Int)) in
            state.closed = true
            state.finished = true
            state.sender = snapshot
            // Overflow entries are charged to `overflowBytes`, not `bytes`.
            let leftoverBytes = state.entries.reduce(0) { $0 + $1.bytes }
            let leftover = state.entries + state.overflow
            state.entries = []
            state.overflow = []
            state.overflowBytes = 0
            state.queuedBytes = 0
            state.queuedSince = nil
            state.droppedAtStop += lost.events + leftover.count
            state.takenUnpublished = 0
            state.lowestTakenUnpublished = nil
            state.bytes -= settledBytes + leftoverBytes
            let lowestLost = [lost.lowestSequence, leftover.map(\.sequence).min()].compactMap { $0 }.min()
            if let lowestLost { state.lowestLost = min(state.lowestLost ?? lowestLost, lowestLost) }
            let waiters = state.waiters
            state.waiters = []
            return (waiters, (state.droppedAtStop, state.droppedFull))
        }
        for waiter in waiters {
            switch waiter {
            case .task(let continuation): continuation.resume()
            case .thread(let semaphore): semaphore.signal()
            }
        }
        return counts
    }
}
