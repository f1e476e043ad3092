import ExecLogModel
import ExecLogStore
import ExecLogWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The commit thread: the only one that touches SQLite. Takes due groups of batches, commits each group in
/// one transaction, and only then passes their acks to the socket thread.
final class CommitLoop: Sendable {
    private let store: ExecutionStore
    private let queue: CommitQueue
    private let checkpointer: Checkpointer
    private let counters: WriterCounters
    private let configuration: WriterConfiguration
    private let logger: Logger
    /// An ack (or error reply) for the socket thread to send to the emitter at `routingID`.
    typealias Reply = (routingID: [UInt8], frames: [[UInt8]])
    /// Replies whose batches are committed, waiting for the socket thread (``takeReplies()``).
    private let outbox = Mutex<[Reply]>([])
    /// Signalled when replies are ready.
    let acksReady: WakeupSignal
    private let abandoned = Atomic<Int>(0)

    init(
        store: ExecutionStore, queue: CommitQueue, checkpointer: Checkpointer, counters: WriterCounters,
        configuration: WriterConfiguration, acksReady: WakeupSignal, logger: Logger
    ) {
        self.store = store
        self.queue = queue
        self.checkpointer = checkpointer
        self.counters = counters
        self.configuration = configuration
        self.acksReady = acksReady
        self.logger = logger
    }

    /// The replies ready to send, taken: the socket thread calls this when `acksReady` fires.
    func takeReplies() -> [Reply] {
        outbox.withLock { outbox in
            defer { outbox.removeAll() }
            return outbox
        }
    }

    /// Events given up at shutdown because commits kept failing (not acked: their emitters resend them).
    var abandonedEvents: Int { abandoned.load(ordering: .relaxed) }

    /// Runs until the queue is stopped and drained.
    func run() {
        // Intervals on the monotonic clock: a wall clock set back must not stop retention for that long.
        var nextRetention = ContinuousClock.now
        var checkpoints = CheckpointPolicy(
            limits: .init(
                commits: configuration.checkpointCommits, walBytes: configuration.checkpointWALBytes,
                idleWALBytes: configuration.idleCheckpointWALBytes))
        var deadLetters = DeadLetterUpkeep(
            retention: configuration.deadLetterRetention, maxBytes: configuration.maxDeadLetterBytes)
        do {
            try deadLetters.load(from: store)
        } catch {
            logger.error("cannot read the dead letters' totals", metadata: ["error": "\(error)"])
        }
        publish(deadLetters.totals)
        // While retention has a backlog, idle turns come quickly, so a first clean-up of millions of
        // rows takes minutes, not hours; ingestion still comes first (a chunk is one short transaction).
        // Rows stored before the search index existed are indexed a chunk at a time, when idle.
        var searchBackfill = searchIndexBackfillPending()
        func idleWait() -> Duration {
            (ContinuousClock.now >= nextRetention && configuration.retention != nil) || deadLetters.hasBacklog
                || searchBackfill ? .milliseconds(10) : .seconds(1)
        }
        while let group = queue.nextGroup(idle: idleWait()) {
            if !group.isEmpty {
                commit(group, deadLetters: &deadLetters)
                checkpointer.committed()
                checkpoints.committed()
                checkpointIfDue(&checkpoints, idle: false)
            } else {
                checkpointIfDue(&checkpoints, idle: true)
                if searchBackfill { searchBackfill = searchIndexChunk() }
            }
            if let retention = configuration.retention, ContinuousClock.now >= nextRetention {
                nextRetention = ContinuousClock.now + (pruneChunk(retention) ? .zero : .seconds(60))
            }
            if let trim = deadLetters.runIfDue(store: store, logger: logger) {
                counters.update { status in
                    status.deadLettersExpired += trim.expired
                    status.deadLettersEvicted += trim.evicted
                }
                publish(trim.totals)
            }
        }
    }

    private func publish(_ totals: DeadLetterTotals) {
        counters.update { status in
            status.deadLetters = totals.count
            status.deadLetterBytes = totals.bytes
        }
    }

    /// Commits the group, retrying with back-off while SQLite fails (disk full, I/O error, lock timeout):
    /// nothing is acked until the COMMIT returned. At shutdown it gives up after a while; the emitters
    /// still hold those events and will send them again. Either way it tells the queue the group is finished.
    /// The dead letters it stored are counted in `deadLetters`, and in the status before any ack leaves.
    private func commit(_ group: [PendingBatch], deadLetters: inout DeadLetterUpkeep) {
        var delay = 0.05
        var firstFailure: ContinuousClock.Instant?
        while true {
            let started = ContinuousClock.now
            do {
                let results = try store.insert(group.map(\.store))
                let milliseconds = (ContinuousClock.now - started) / .milliseconds(1)
                var acks: [([UInt8], [[UInt8]])] = []
                var stored = 0
                var duplicates = 0
                var rejected = 0
                var reports = 0
                var emitterDropped = 0
                var newReports: [DropReport] = []
                for (batch, result) in zip(group, results) {
                    acks.append((batch.routingID, WireMessage.ack(batchID: batch.batchID, batch.ack(result)).frames))
                    stored += result.stored
                    duplicates += result.duplicates
                    rejected += batch.rejections.count
                    if batch.isDropReport {
                        reports += 1
                        // Only a report stored now counts: a resend must not count its drops twice.
                        if result.dropReportsStored > 0 {
                            // Saturating: a report may claim up to Int64.max drops, and two of them must not stop the writer.
                            for report in batch.store.dropReports {
                                let (sum, overflow) = emitterDropped.addingReportingOverflow(report.report.dropped)
                                emitterDropped = overflow ? .max : sum
                            }
                            newReports += batch.store.dropReports.map(\.report)
                        }
                    }
                }
                // Out of queue_depth before any ack leaves: a status asked right after an ack must not count
                // that batch's events as still waiting (nor miss its dead letters).
                queue.finished(group)
                let storedLetters = group.lazy.flatMap(\.store.deadLetters)
                deadLetters.stored(count: storedLetters.count, bytes: storedLetters.reduce(0) { $0 + $1.storedBytes })
                let letterTotals = deadLetters.totals
                counters.update { status in
                    status.deadLetters = letterTotals.count
                    status.deadLetterBytes = letterTotals.bytes
                    status.stored += stored
                    status.duplicates += duplicates
                    status.rejected += rejected
                    status.batches += group.count - reports
                    status.reports += reports
                    let (total, overflow) = status.emitterDropped.addingReportingOverflow(emitterDropped)
                    status.emitterDropped = overflow ? .max : total
                    status.commits += 1
                    status.lastCommitMs = milliseconds
                }
                outbox.withLock { $0.append(contentsOf: acks) }
                acksReady.signal()
                logDrops(newReports)
                return
            } catch {
                counters.update { $0.commitFailures += 1 }
                let since = firstFailure ?? ContinuousClock.now
                firstFailure = since
                if queue.isStopping, ContinuousClock.now - since > .seconds(10) {
                    abandoned.add(group.reduce(0) { $0 + $1.eventCount }, ordering: .relaxed)
                    queue.finished(group)
                    logger.error("commit failed, giving up at shutdown; emitters will resend", metadata: ["error": "\(error)"])
                    return
                }
                logger.error(
                    "commit failed, rolled back; retrying", metadata: ["error": "\(error)", "retry_in_s": "\(delay)"])
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            }
        }
    }

    /// The writer's log says what emitters lost too, next to its own events. Emitters report at most
    /// about once a second each, so this cannot flood the log.
    private func logDrops(_ reports: [DropReport]) {
        for report in reports where report.dropped > 0 {
            logger.warning(
                "an emitter reported dropped executions",
                metadata: [
                    "emitter": "\(report.emitter)", "dropped": "\(report.dropped)", "queue_full": "\(report.queueFull)",
                    "spool_full": "\(report.spoolFull)", "spool_unreadable": "\(report.spoolUnreadable)",
                    "shutdown": "\(report.shutdown)",
                ])
        }
    }

    /// Runs the checkpoint ``CheckpointPolicy`` says is due, between commits: a RESTART or TRUNCATE takes
    /// the write lock.
    private func checkpointIfDue(_ policy: inout CheckpointPolicy, idle: Bool) {
        let walBytes = store.walFileBytes
        counters.update { $0.walBytes = walBytes }
        guard let mode = policy.due(walFileBytes: walBytes, passive: checkpointer.lastPassive, idle: idle, now: .now)
        else { return }
        var completed = false
        // SQLite would refuse it as busy while the checkpointer runs one of its own; then it is tried
        // again after the next commit, not a second later (that wait is for a reader in the way).
        let attempt = checkpointer.unlessCheckpointing {
            (checkpointer.lastPassive, Result { () throws(StoreError) in try store.checkpoint(mode) })
        }
        switch attempt {
        case nil:
            policy.finished(mode, .checkpointerRunning, passive: .init(), now: .now)
        case (let passive, .success(let result))? where result.busy:
            policy.finished(mode, .busyOrFailed, passive: passive, now: .now)
            counters.update { $0.checkpointsBlocked += 1 }
            logger.debug("checkpoint busy; will retry", metadata: ["mode": "\(mode)", "wal_bytes": "\(walBytes)"])
        case (let passive, .success)?:
            policy.finished(mode, .completed, passive: passive, now: .now)
            completed = true
        case (let passive, .failure(let error))?:
            policy.finished(mode, .busyOrFailed, passive: passive, now: .now)
            logger.warning("checkpoint failed; will retry", metadata: ["mode": "\(mode)", "error": "\(error)"])
        }
        let after = store.walFileBytes
        counters.update { status in
            status.walBytes = after
            if completed { status.checkpoints += 1 }
        }
    }

    private func searchIndexBackfillPending() -> Bool {
        do {
            guard case .building(let remaining) = try store.searchIndexState() else { return false }
            logger.info("search index: indexing the stored executions", metadata: ["remaining": "\(remaining)"])
            return true
        } catch {
            logger.error("cannot read the search index's state", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Indexes one chunk of the rows stored before the search index; true when more remain.
    private func searchIndexChunk() -> Bool {
        do {
            let remaining = try store.buildSearchIndex(maxChunks: 1)
            if remaining == 0 { logger.info("search index: every stored execution is indexed") }
            return remaining > 0
        } catch {
            logger.error("search index backfill failed; stopped until restart", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Deletes one chunk of executions older than the retention; true when more may remain.
    private func pruneChunk(_ retention: Duration) -> Bool {
        let cutoff = Date().addingTimeInterval(-Double(retention.components.seconds))
        do {
            // One chunk per turn: the commit thread goes back to ingesting between chunks.
            let deleted = try store.prune(olderThan: cutoff, maxChunks: 1)
            if deleted > 0 { logger.info("retention deleted executions", metadata: ["count": "\(deleted)"]) }
            // A chunk is bounded in time, not rows: any deletion may leave more (the next turn finds out).
            return deleted > 0
        } catch {
            logger.error("retention prune failed", metadata: ["error": "\(error)"])
            return false
        }
    }
}
