import ExecLogStore
import Foundation
import Testing

@testable import ExecLogWriter

@Suite struct CommitQueueTests {
    func batch(_ id: String, events: Int) -> PendingBatch {
        PendingBatch(routingID: [1], batchID: id, events: Array(repeating: Array("{}".utf8), count: events))
    }

    @Test func aGroupIsDueOnceEnoughEventsWait() {
        let queue = CommitQueue(commitEvents: 100, commitInterval: .seconds(60))
        queue.push(batch("a", events: 60))
        queue.push(batch("b", events: 60))
        queue.push(batch("c", events: 10))
        let group = queue.nextGroup(idle: .seconds(5))
        // Whole batches up to about commitEvents: "a" alone (a + b would be 120).
        #expect(group?.map(\.batchID) == ["a"])
        #expect(queue.depth == 130)
        queue.finished(group!)
        #expect(queue.depth == 70)
    }

    @Test func aBacklogIsTakenInLargerGroups() throws {
        let queue = CommitQueue(commitEvents: 100, commitInterval: .seconds(60))
        for index in 0..<10 { queue.push(batch("b\(index)", events: 60)) }
        // 600 events wait, more than two groups' worth: up to 4 × 100 in one group.
        let first = try #require(queue.nextGroup(idle: .seconds(5)))
        #expect(first.count == 6, "six batches of 60 fit in 400 events, a seventh would not")
        queue.finished(first)
        // 240 wait: still a backlog.
        let second = try #require(queue.nextGroup(idle: .seconds(5)))
        #expect(second.count == 4)
        queue.finished(second)
        // Caught up: back to groups of about commitEvents.
        for index in 0..<3 { queue.push(batch("c\(index)", events: 60)) }
        #expect(queue.nextGroup(idle: .seconds(5))?.map(\.batchID) == ["c0"])
    }

    @Test func aGroupIsDueOnceTheOldestHasWaitedTheInterval() {
        let queue = CommitQueue(commitEvents: 1_000, commitInterval: .milliseconds(50))
        queue.push(batch("a", events: 1))
        let started = Date()
        let group = queue.nextGroup(idle: .seconds(5))
        #expect(group?.map(\.batchID) == ["a"])
        #expect(Date().timeIntervalSince(started) >= 0.04)
    }

    @Test func idleReturnsAnEmptyGroupAndStopDrainsThenEnds() {
        let queue = CommitQueue(commitEvents: 1_000, commitInterval: .seconds(60))
        #expect(queue.nextGroup(idle: .milliseconds(50)) == [])
        queue.push(batch("a", events: 1))
        queue.push(batch("b", events: 1))
        queue.stop()
        #expect(queue.nextGroup(idle: .seconds(5))?.map(\.batchID) == ["a", "b"])
        #expect(queue.nextGroup(idle: .seconds(5)) == nil)
    }

    @Test func eachEventIsValidatedOnItsOwn() {
        let pending = PendingBatch(
            routingID: [1], batchID: "x",
            events: [Array(#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"a","provider":"b","model_name":"c","input_messages":[]}"#.utf8), Array("nope".utf8)])
        #expect(pending.store.rows.count == 1)
        #expect(pending.rejections.map(\.index) == [1])
        #expect(pending.store.deadLetters.first?.payload == Array("nope".utf8))
    }
}

extension PendingBatch: Equatable {
    public static func == (lhs: PendingBatch, rhs: PendingBatch) -> Bool { lhs.batchID == rhs.batchID }
}
