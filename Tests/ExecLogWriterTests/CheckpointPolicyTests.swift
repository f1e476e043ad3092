import ExecLogStore
import Testing

@testable import ExecLogWriter

/// The commit thread's checkpoint schedule, alone: no store, the clock given.
@Suite struct CheckpointPolicyTests {
    let limits = CheckpointPolicy.Limits(commits: 3, walBytes: 1_000, idleWALBytes: 400)
    let start = ContinuousClock.now
    let quiet = CheckpointPolicy.PassiveCheckpoint()

    @Test func nothingIsDueWhileTheWALIsSmallAndFewCommitsWentBy() {
        var policy = CheckpointPolicy(limits: limits)
        policy.committed()
        #expect(policy.due(walFileBytes: 3_999, passive: .init(number: 5, walFrameBytes: 1_000), idle: false, now: start) == nil)
        #expect(policy.due(walFileBytes: 400, passive: quiet, idle: true, now: start) == nil)
    }

    @Test func aTruncateAfterEnoughCommitsStartsTheCountOverOnlyWhenItCompletes() {
        var policy = CheckpointPolicy(limits: limits)
        for _ in 0..<3 { policy.committed() }
        #expect(policy.due(walFileBytes: 0, passive: quiet, idle: false, now: start) == .truncate)
        policy.finished(.truncate, .checkpointerRunning, passive: quiet, now: start)
        #expect(policy.commitsSinceTruncate == 3)
        #expect(policy.due(walFileBytes: 0, passive: quiet, idle: false, now: start) == .truncate)
        policy.finished(.truncate, .completed, passive: quiet, now: start)
        #expect(policy.commitsSinceTruncate == 0)
        #expect(policy.due(walFileBytes: 0, passive: quiet, idle: false, now: start) == nil)
    }

    @Test func aLargeFileIsTruncatedAndWhenIdleASmallerOneToo() {
        let policy = CheckpointPolicy(limits: limits)
        #expect(policy.due(walFileBytes: 4_001, passive: quiet, idle: false, now: start) == .truncate)
        #expect(policy.due(walFileBytes: 401, passive: quiet, idle: false, now: start) == nil)
        #expect(policy.due(walFileBytes: 401, passive: quiet, idle: true, now: start) == .truncate)
    }

    @Test func aRestartOnceTheFramesPassTheBoundAndNotAgainOnTheFramesCountedBeforeIt() {
        var policy = CheckpointPolicy(limits: limits)
        let full = CheckpointPolicy.PassiveCheckpoint(number: 7, walFrameBytes: 1_001)
        #expect(policy.due(walFileBytes: 2_000, passive: full, idle: false, now: start) == .restart)
        policy.finished(.restart, .completed, passive: full, now: start)
        // The WAL started over; the checkpointer's count from before it is stale.
        #expect(policy.due(walFileBytes: 2_000, passive: full, idle: false, now: start) == nil)
        let fullAgain = CheckpointPolicy.PassiveCheckpoint(number: 8, walFrameBytes: 1_001)
        #expect(policy.due(walFileBytes: 2_000, passive: fullAgain, idle: false, now: start) == .restart)
    }

    @Test func aReaderInTheWayDelaysTheNextTryBySecondAndTheCheckpointerNot() {
        var policy = CheckpointPolicy(limits: limits)
        for _ in 0..<3 { policy.committed() }
        policy.finished(.truncate, .busyOrFailed, passive: quiet, now: start)
        #expect(policy.due(walFileBytes: 0, passive: quiet, idle: false, now: start + .milliseconds(999)) == nil)
        #expect(policy.due(walFileBytes: 0, passive: quiet, idle: false, now: start + .seconds(1)) == .truncate)
        policy.finished(.truncate, .checkpointerRunning, passive: quiet, now: start + .seconds(1))
        #expect(policy.due(walFileBytes: 0, passive: quiet, idle: false, now: start + .seconds(1)) == .truncate)
    }
}
