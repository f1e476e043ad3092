import Foundation

/// Hands decoded batches from the socket thread to the commit thread, and says when a group is due:
/// once `commitEvents` events wait, or the oldest has waited `commitInterval`.
final class CommitQueue: @unchecked Sendable {
    // NSCondition guards every stored property below; it is what lets the commit thread sleep until due.
    private let condition = NSCondition()
    private var batches: [PendingBatch] = []
    private var arrivals: [Date] = []
    private var waitingEvents = 0
    private var committingEvents = 0
    private var stopping = false

    let commitEvents: Int
    let commitInterval: TimeInterval

    init(commitEvents: Int, commitInterval: Duration) {
        self.commitEvents = commitEvents
        self.commitInterval = Double(commitInterval.components.seconds) + Double(commitInterval.components.attoseconds) / 1e18
    }

    func push(_ batch: PendingBatch) {
        condition.withLock {
            batches.append(batch)
            arrivals.append(Date())
            waitingEvents += batch.eventCount
            condition.signal()
        }
    }

    /// Events received and not yet committed.
    var depth: Int { condition.withLock { waitingEvents + committingEvents } }

    var isStopping: Bool { condition.withLock { stopping } }

    /// After `stop()`, `nextGroup` hands out what is left without waiting, then returns nil.
    func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
    }

    /// Blocks until a group is due and takes it (at least one batch); returns [] after `idle` without
    /// work (so the caller can do housekeeping), and nil once stopped and empty.
    func nextGroup(idle: TimeInterval) -> [PendingBatch]? {
        condition.withLock {
            let idleDeadline = Date().addingTimeInterval(idle)
            while true {
                if batches.isEmpty {
                    if stopping { return nil }
                    if !condition.wait(until: idleDeadline), batches.isEmpty { return [] }
                    continue
                }
                let due = arrivals[0].addingTimeInterval(commitInterval)
                if stopping || waitingEvents >= commitEvents || Date() >= due {
                    // Whole batches, up to about commitEvents events (at least one batch).
                    var count = 0
                    var events = 0
                    while count < batches.count, count == 0 || events + batches[count].eventCount <= commitEvents {
                        events += batches[count].eventCount
                        count += 1
                    }
                    let group = Array(batches.prefix(count))
                    batches.removeFirst(count)
                    arrivals.removeFirst(count)
                    waitingEvents -= events
                    committingEvents += events
                    return group
                }
                _ = condition.wait(until: due)
            }
        }
    }

    /// The commit thread is done with a group (committed, or given up at shutdown).
    func finished(_ group: [PendingBatch]) {
        condition.withLock { committingEvents -= group.reduce(0) { $0 + $1.eventCount } }
    }
}
