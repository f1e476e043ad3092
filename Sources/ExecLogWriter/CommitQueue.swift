import Foundation

/// Hands decoded batches from the socket thread to the commit thread, and says when a group is due:
/// once `commitEvents` events wait, or the oldest has waited `commitInterval`; a backlog is taken in
/// larger groups. Times are on the
/// monotonic clock: a wall clock set back must not hold a commit back for that long.
final class CommitQueue: @unchecked Sendable {
    // NSCondition guards every stored property below; it is what lets the commit thread sleep until due.
    private let condition = NSCondition()
    private var batches: [PendingBatch] = []
    private var arrivals: [ContinuousClock.Instant] = []
    private var waitingEvents = 0
    private var committingEvents = 0
    private var stopping = false

    let commitEvents: Int
    let commitInterval: Duration

    init(commitEvents: Int, commitInterval: Duration) {
        self.commitEvents = commitEvents
        self.commitInterval = commitInterval
    }

    func push(_ batch: PendingBatch) {
        condition.withLock {
            batches.append(batch)
            arrivals.append(.now)
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
    func nextGroup(idle: Duration) -> [PendingBatch]? {
        condition.withLock {
            let idleDeadline = ContinuousClock.now + idle
            while true {
                if batches.isEmpty {
                    if stopping { return nil }
                    if !wait(until: idleDeadline), batches.isEmpty { return [] }
                    continue
                }
                let due = arrivals[0] + commitInterval
                if stopping || waitingEvents >= commitEvents || ContinuousClock.now >= due {
                    // Whole batches, up to about commitEvents events (at least one batch); more behind a
                    // backlog (`groupEventLimit`).
                    let limit = groupEventLimit
                    var count = 0
                    var events = 0
                    while count < batches.count, count == 0 || events + batches[count].eventCount <= limit {
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
                _ = wait(until: due)
            }
        }
    }

    /// A group's size, in events: `commitEvents`, or up to `backlogGroupFactor` times as many while
    /// more than two groups' worth wait. A transaction rewrites the pages its rows touch once however
    /// many rows touch them (index pages, the full-text index's segments), so a writer that has fallen
    /// behind catches up faster with fewer, larger transactions (docs/PERFORMANCE.md, row 1w); when it
    /// keeps up, groups stay small and acks prompt. Called with the lock held.
    private var groupEventLimit: Int {
        waitingEvents >= 2 * commitEvents ? Self.backlogGroupFactor * commitEvents : commitEvents
    }

    static let backlogGroupFactor = 4

    /// NSCondition waits for a wall-clock date: the one made here is the monotonic deadline's distance
    /// from now, so a clock change can only move the wake-up of this one wait. False when it timed out.
    private func wait(until deadline: ContinuousClock.Instant) -> Bool {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return false }
        return condition.wait(until: Date(timeIntervalSinceNow: remaining / .seconds(1)))
    }

    /// The commit thread is done with a group (committed, or given up at shutdown).
    func finished(_ group: [PendingBatch]) {
        condition.withLock { committingEvents -= group.reduce(0) { $0 + $1.eventCount } }
    }
}
