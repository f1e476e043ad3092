import ExecLogStore
import ExecLogWire
import Foundation
import Logging
import Synchronization

/// Copies the WAL into the database file from a thread and a connection of its own, so that the commit
/// thread never waits for a checkpoint: its reads, its writes and its two fsyncs.
///
/// A PASSIVE checkpoint does not take the write lock: commits go on while it runs. The writing connection's
/// automatic checkpoint is off; SQLite starts the WAL over at the first write after a checkpoint that
/// copied everything, which a steady load never leaves it: the commit thread runs a RESTART between two
/// commits once the WAL holds `checkpointWALBytes` of frames (counted here, in ``lastPassive``), and
/// keeps the TRUNCATE checkpoints that shrink a WAL grown large (``CheckpointPolicy``).
final class Checkpointer: Sendable {
    private let store: ExecutionStore
    private let counters: WriterCounters
    private let logger: Logger
    /// How often it looks for new commits. Shorter keeps the WAL smaller; each turn costs two fsyncs.
    static let interval: Duration = .milliseconds(100)
    /// Commits since the start (the thread remembers how many its last checkpoint covered).
    private let commits = Atomic<Int>(0)
    private let stopRequested = Atomic<Bool>(false)
    /// Its last PASSIVE checkpoint that was not busy: written by this thread only.
    private let passive = Mutex(CheckpointPolicy.PassiveCheckpoint())
    /// The store's page size: a WAL frame holds one page.
    private let pageSize: Int
    /// Held during each of its checkpoints.
    private let checkpointing = Mutex<Void>(())
    private let wakeup = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Opens its own connection to the store, which the writer has created and migrated.
    @available(*, noasync, message: "blocks on SQLite")
    init(
        storePath: String, synchronous: ExecutionStore.Synchronous, counters: WriterCounters, logger: Logger
    ) throws(StoreError) {
        store = try ExecutionStore(path: storePath, mode: .readWrite, synchronous: synchronous)
        pageSize = try store.pageSize()
        self.counters = counters
        self.logger = logger
    }

    /// The commit thread calls this after each COMMIT; it never blocks.
    func committed() {
        commits.add(1, ordering: .relaxed)
    }

    /// Its last PASSIVE checkpoint that was not busy (how far the commits have gone since the WAL
    /// started over, in bytes of frames).
    var lastPassive: CheckpointPolicy.PassiveCheckpoint { passive.withLock { $0 } }

    /// Runs `body` (the commit thread's RESTART or TRUNCATE) unless a checkpoint of this thread is
    /// running; nil if one is. It never waits. No PASSIVE checkpoint completes while `body` runs.
    func unlessCheckpointing<T>(_ body: () -> T) -> T? {
        checkpointing.withLockIfAvailable { _ in body() }
    }

    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "execlogd-checkpoint"
        thread.start()
    }

    /// Stops the thread after its current checkpoint; the writer's last commits are left in the WAL,
    /// which SQLite copies when the last connection closes.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        wakeup.signal()
        finished.wait()
    }

    private func run() {
        var covered = 0
        var failing = false
        let timeout = DispatchTimeInterval.milliseconds(Int(Self.interval / .milliseconds(1)))
        while !stopRequested.load(ordering: .acquiring) {
            // After a failure (a full disk), a second between tries, and one log line for the streak.
            _ = wakeup.wait(timeout: .now() + (failing ? .seconds(1) : timeout))
            let committed = commits.load(ordering: .relaxed)
            guard committed != covered, !stopRequested.load(ordering: .acquiring) else { continue }
            do {
                // Published under the lock, so a RESTART of the commit thread never comes between the
                // checkpoint and its count.
                let result = try checkpointing.withLock { _ throws(StoreError) in
                    let result = try store.checkpoint(.passive)
                    if !result.busy {
                        passive.withLock { last in
                            last.number += 1
                            last.walFrameBytes = result.log * pageSize
                        }
                    }
                    return result
                }
                if failing { logger.info("checkpoints work again") }
                failing = false
                // Busy only while the commit thread's RESTART or TRUNCATE runs: the next turn tries again.
                guard !result.busy else { continue }
                covered = committed
                counters.update { $0.checkpoints += 1 }
            } catch {
                if !failing { logger.warning("checkpoint failed; retrying every second", metadata: ["error": "\(error)"]) }
                failing = true
            }
        }
    }
}
