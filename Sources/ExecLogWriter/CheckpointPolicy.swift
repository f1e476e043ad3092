import ExecLogStore

/// When the commit thread runs a checkpoint of its own, and which: a pure state machine over what the
/// commit thread observes (commits, the `-wal` file's size, the checkpointer's last PASSIVE result) and
/// the time it is given. No SQLite, no clock.
///
/// The checkpointer's PASSIVE checkpoints cannot start the WAL over under a load that never leaves it
/// all copied, nor while a reader (a long `execlog` query) still uses it, so the file could grow
/// without bound. A RESTART starts it over in place once it holds `walBytes` of frames; a TRUNCATE
/// brings the file back to zero after `commits` commits, once the file is over 4 × `walBytes`, or when
/// idle with it over `idleWALBytes` (left grown by a long reader). Either is tried again a second
/// later when a reader is in the way.
struct CheckpointPolicy {
    struct Limits: Sendable {
        /// A TRUNCATE after this many commits since the last one that completed.
        var commits: Int
        /// A RESTART once the WAL holds this many bytes of frames; a TRUNCATE once the file is 4× this.
        var walBytes: Int
        /// A TRUNCATE when idle with the file larger than this.
        var idleWALBytes: Int
    }

    /// The checkpointer's last PASSIVE checkpoint that was not busy, as it published it.
    struct PassiveCheckpoint: Sendable, Equatable {
        /// How many such checkpoints it has made: frames counted before a RESTART are stale after it.
        var number = 0
        /// Bytes of frames in the WAL then (frames × page size).
        var walFrameBytes = 0
    }

    enum Outcome {
        /// Done: a TRUNCATE starts the commit count over; either starts the WAL over.
        case completed
        /// A reader was in the way, or SQLite failed: tried again a second later.
        case busyOrFailed
        /// The checkpointer was running one of its own: tried again after the next commit.
        case checkpointerRunning
    }

    let limits: Limits
    private(set) var commitsSinceTruncate = 0
    private var notBefore: ContinuousClock.Instant?
    /// The number of the last PASSIVE checkpoint made before our last RESTART or TRUNCATE.
    private var startedOverAfter = 0

    init(limits: Limits) {
        self.limits = limits
    }

    mutating func committed() {
        commitsSinceTruncate += 1
    }

    /// The checkpoint due now, if any.
    func due(
        walFileBytes: Int, passive: PassiveCheckpoint, idle: Bool, now: ContinuousClock.Instant
    ) -> ExecutionStore.CheckpointMode? {
        if let notBefore, now < notBefore { return nil }
        if commitsSinceTruncate >= limits.commits || walFileBytes > 4 * limits.walBytes
            || (idle && walFileBytes > limits.idleWALBytes)
        {
            return .truncate
        }
        // Past the bound in frames (the file keeps its size once started over): a RESTART, which starts
        // the WAL over without truncating the file, and so without waiting for the kernel to finish
        // writing back pages it would cut.
        let framesSinceStartOver = passive.number > startedOverAfter ? passive.walFrameBytes : 0
        return framesSinceStartOver > limits.walBytes ? .restart : nil
    }

    /// What came of the checkpoint `due` asked for; `passive` as read when it ran.
    mutating func finished(
        _ mode: ExecutionStore.CheckpointMode, _ outcome: Outcome, passive: PassiveCheckpoint, now: ContinuousClock.Instant
    ) {
        switch outcome {
        case .completed:
            if mode == .truncate { commitsSinceTruncate = 0 }
            startedOverAfter = passive.number
            notBefore = nil
        case .busyOrFailed:
            notBefore = now + .seconds(1)
        case .checkpointerRunning:
            break
        }
    }
}
