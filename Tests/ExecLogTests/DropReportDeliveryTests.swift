import ExecLogModel
import ExecLogWire
import Foundation
import Testing

@testable import ExecLog

/// An ``ExecutionLogger`` tells the writer what it dropped: over real sockets, to the fake writer.
@Suite(.timeLimit(.minutes(1)))
struct DropReportDeliveryTests {
    /// Nobody listens, so the queue holds about `keep` events and drops the rest.
    func droppingLogger(_ endpoint: String, keep: Int = 2) -> ExecutionLogger {
        let size = sampleExecution(0).estimatedSize.memory
        return ExecutionLogger(configuration: .init(endpoint: endpoint, maxQueueBytes: size * keep))
    }

    func waitUntil(_ timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    @Test func dropsMadeWhileTheWriterIsAwayAreReportedOnceItComes() async throws {
        let directory = try TemporaryDirectory()
        let log = droppingLogger(directory.endpoint())
        for index in 0..<30 { log.record(sampleExecution(index)) }
        let dropped = log.counters.dropped
        #expect(dropped == 28)

        let writer = try FakeWriter(endpoint: directory.endpoint())
        defer { writer.stop() }
        #expect(try await waitUntil { log.counters.dropsReported == dropped }, "\(log.counters)")
        #expect(await log.flush(timeout: .seconds(20)))
        let reports = writer.dropReports
        #expect(reports.reduce(0) { $0 + $1.dropped } == dropped)
        #expect(reports.reduce(0) { $0 + $1.queueFull } == dropped)
        #expect(reports.allSatisfy { $0.emitter.hasSuffix("/\(getpid())") })
        #expect(log.counters.stored == 2)
        #expect(log.counters.errorReplies == 0)
        await log.shutdown(timeout: .seconds(5))
    }

    @Test func anOlderWriterIsToleratedQuietly() async throws {
        let directory = try TemporaryDirectory()
        let log = droppingLogger(directory.endpoint())
        for index in 0..<10 { log.record(sampleExecution(index)) }
        let writer = try FakeWriter(endpoint: directory.endpoint(), acceptsReports: false)
        defer { writer.stop() }
        #expect(await log.flush(timeout: .seconds(20)))
        #expect(try await waitUntil { writer.reportMessages > 0 || log.counters.stored == 2 })
        let counters = log.counters
        #expect(counters.stored == 2 && counters.dropped == 8)
        #expect(counters.dropsReported == 0)
        #expect(counters.errorReplies == 0, "an unknown verb is not an error of the emitter's")
        // Nothing is in flight and reports cannot go: shutdown does not wait for its deadline.
        let (_, duration) = await elapsed { await log.shutdown(timeout: .seconds(10)) }
        #expect(duration < .seconds(3))
    }

    @Test func shutdownSendsTheLastDropsWithoutWaitingForTheOneSecondLimit() async throws {
        let directory = try TemporaryDirectory()
        let writer = try FakeWriter(endpoint: directory.endpoint())
        defer { writer.stop() }
        let log = droppingLogger(writer.endpoint, keep: 1)
        // A first report, acked: the next may only be made a second after it...
        for index in 0..<3 { log.record(sampleExecution(index)) }
        #expect(try await waitUntil { log.counters.dropsReported == 2 }, "\(log.counters)")
        let firstReported = ContinuousClock.now
        // ...but at shutdown the last drops go at once, well within a deadline shorter than that second.
        for index in 3..<50 { log.record(sampleExecution(index)) }
        await log.shutdown(timeout: .milliseconds(700))
        let counters = log.counters
        #expect(counters.dropped > 2)
        #expect(counters.dropsReported == counters.dropped, "\(counters)")
        #expect(writer.dropReports.reduce(0) { $0 + $1.dropped } == counters.dropped)
        // On a loaded machine the second may pass before the shutdown ends: a periodic report is then
        // due as well, before the last one.
        let reports = writer.dropReports.count
        #expect(reports == 2 || (reports == 3 && ContinuousClock.now - firstReported >= .milliseconds(900)), "\(reports) reports")
    }
}
