import Dispatch
import ExecLogModel
import Synchronization
import ZeroMQ

/// What the recording threads and the sender thread share, behind one `Mutex`: the bounded queue
/// of executions not yet taken by the sender, the counters, and the requests (flush, stop).
///
/// Recording is a lock, an append and, only when the sender sleeps, one `eventfd` write: no JSON,
/// no allocation beyond the array's amortised growth, no libzmq.
final class SendQueue: Sendable {
    struct Entry {
        var sequence: UInt64
        var execution: Execution
        var bytes: Int
    }

    /// The sender's own numbers, published after each turn of its loop.
    struct SenderSnapshot {
        var queued = 0
        var inFlight = 0
        var acked = 0
        var stored = 0
        var duplicates = 0
        var rejected = 0
        var droppedAtStop = 0
        var batchesSent = 0
        var batchesResent = 0
        var errorReplies = 0
        /// Oldest sequence the sender holds unsettled; nil when it holds none.
        var lowestSequence: UInt64?
    }

    /// What the sender finds when it looks at the queue.
    struct Intake {
        var stopDeadline: ContinuousClock.Instant?
        var flushThrough: UInt64?
        /// Calls dropped because the queue was full, since the start.
        var droppedFull: Int
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
        var nextSequence: UInt64 = 0
        /// Estimated bytes of every accepted, unsettled event (queue, sender, in flight).
        var bytes = 0
        var recorded = 0
        var droppedFull = 0
        var droppedClosed = 0
        var closed = false
        var senderWaiting = false
        var stopDeadline: ContinuousClock.Instant?
        var flushThrough: UInt64?
        /// Lowest sequence dropped at shutdown: flushes that covered it can no longer succeed.
        var lowestLost: UInt64?
        var sender = SenderSnapshot()
        var finished = false
        var waiters: [Waiter] = []
    }

    let maxBytes: Int
    private let state = Mutex(State())
    /// Nil only if the eventfd could not be created; then the logger never starts.
    private let wakeup: WakeupSignal?

    init(maxBytes: Int, wakeup: WakeupSignal?) {
        self.maxBytes = maxBytes
        self.wakeup = wakeup
    }

    enum AppendResult {
        case queued, full, closed
    }

    // MARK: - Recording threads

    /// Queues an execution unless the byte bound is reached or the logger is shut down.
    func append(_ execution: Execution, bytes: Int) -> AppendResult {
        let (result, wake) = state.withLock { state -> (AppendResult, Bool) in
            state.recorded += 1
            if state.closed {
                state.droppedClosed += 1
                return (.closed, false)
            }
            if state.bytes + bytes > maxBytes {
                state.droppedFull += 1
                return (.full, false)
            }
            state.bytes += bytes
            state.entries.append(Entry(sequence: state.nextSequence, execution: execution, bytes: bytes))
            state.nextSequence += 1
            let wake = state.senderWaiting
            state.senderWaiting = false
            return (.queued, wake)
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
            let wake = state.senderWaiting
            state.senderWaiting = false
            return (target, wake)
        }
        if wake { wakeup?.signal() }
        return target
    }

    func flushState(through target: UInt64) -> FlushState {
        state.withLock { state in
            if let lost = state.lowestLost, lost <= target { return .lost }
            let lowest = [state.entries.first?.sequence, state.sender.lowestSequence].compactMap { $0 }.min()
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
            state.senderWaiting = false
            return !state.finished
        }
        if wake { wakeup?.signal() }
    }

    var counters: EmitterCounters {
        state.withLock { state in
            var counters = EmitterCounters()
            counters.recorded = state.recorded
            counters.queued = state.entries.count + state.sender.queued
            counters.inFlight = state.sender.inFlight
            counters.acked = state.sender.acked
            counters.stored = state.sender.stored
            counters.duplicates = state.sender.duplicates
            counters.rejected = state.sender.rejected
            counters.dropped = state.droppedFull + state.droppedClosed + state.sender.droppedAtStop
            counters.batchesSent = state.sender.batchesSent
            counters.batchesResent = state.sender.batchesResent
            counters.errorReplies = state.sender.errorReplies
            counters.bufferedBytes = state.bytes
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

    /// Moves the queued executions into `buffer` (which should be empty; its capacity is
    /// swapped in so neither side reallocates in the steady state), with the requests pending.
    func take(into buffer: inout [Entry]) -> Intake {
        state.withLock { state in
            swap(&state.entries, &buffer)
            state.senderWaiting = false
            // Keep the counters exact until the sender publishes: these are its events now.
            state.sender.queued += buffer.count
            if let first = buffer.first?.sequence {
                state.sender.lowestSequence = min(state.sender.lowestSequence ?? first, first)
            }
            return Intake(
                stopDeadline: state.stopDeadline, flushThrough: state.flushThrough, droppedFull: state.droppedFull)
        }
    }

    /// Called by the sender just before it sleeps: false (do not sleep) when work arrived meanwhile.
    /// Otherwise the next `append`, flush or stop will signal the wakeup.
    func prepareToWait(knownFlushThrough: UInt64?, knownStop: ContinuousClock.Instant?) -> Bool {
        state.withLock { state in
            guard state.entries.isEmpty, state.flushThrough == knownFlushThrough,
                state.stopDeadline == knownStop
            else { return false }
            state.senderWaiting = true
            return true
        }
    }

    func publish(_ snapshot: SenderSnapshot, settledBytes: Int) {
        state.withLock { state in
            state.sender = snapshot
            state.bytes -= settledBytes
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
            let leftover = state.entries
            state.entries = []
            state.sender.droppedAtStop += lost.events + leftover.count
            state.sender.queued = 0
            state.sender.inFlight = 0
            state.sender.lowestSequence = nil
            state.bytes -= settledBytes + leftover.reduce(0) { $0 + $1.bytes }
            let lowestLost = [lost.lowestSequence, leftover.first?.sequence].compactMap { $0 }.min()
            if let lowestLost { state.lowestLost = min(state.lowestLost ?? lowestLost, lowestLost) }
            let waiters = state.waiters
            state.waiters = []
            return (waiters, (state.sender.droppedAtStop, state.droppedFull))
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
