import ExecLogModel
import Foundation
import Testing

@testable import ExecLog

/// The drop reports' bookkeeping, without sockets: when a report is made, what it carries, and how
/// it is resent until acked.
@Suite struct DropReporterTests {
    let t0 = ContinuousClock.now
    let wall0 = Date(timeIntervalSince1970: 1_795_000_000)

    /// The report due now, which the test requires.
    func due(_ reporter: inout DropReporter, _ now: ContinuousClock.Instant, _ wallClock: Date, stopping: Bool = false)
        throws -> DropReporter.Outgoing
    {
        let outgoing = reporter.nextToSend(now: now, wallClock: wallClock, stopping: stopping)
        return try #require(outgoing)
    }

    func makeReporter() -> DropReporter {
        DropReporter(emitter: "host/42", interval: .seconds(1), ackTimeout: .seconds(5), startedAt: wall0)
    }

    @Test func noDropsNoReport() {
        var reporter = makeReporter()
        reporter.observe(.init())
        let noReport = reporter.nextToSend(now: t0, wallClock: wall0, stopping: false)
        #expect(noReport == nil)
        #expect(reporter.nextDeadline(now: t0) == nil)
        #expect(!reporter.hasWork)
    }

    @Test func aReportCarriesTheDropsSinceThePreviousOneByCause() throws {
        var reporter = makeReporter()
        reporter.observe(.init(queueFull: 5, spoolFull: 2))
        let first = try due(&reporter, t0, wall0 + 0.5)
        #expect(!first.isResend)
        #expect(first.id == first.report.idString)
        #expect(first.report.emitter == "host/42")
        #expect(first.report.dropped == 7 && first.report.queueFull == 5 && first.report.spoolFull == 2)
        #expect(first.report.since == wall0 && first.report.until == wall0 + 0.5)
        reporter.didSend(at: t0)

        // Drops that come while it is in flight wait for the next report.
        reporter.observe(.init(queueFull: 9, spoolFull: 2, spoolUnreadable: 1, shutdown: 1))
        let whileInFlight = reporter.nextToSend(now: t0 + .seconds(2), wallClock: wall0 + 2, stopping: false)
        #expect(whileInFlight == nil)
        let batchAck = reporter.acknowledge("some-batch-1")
        #expect(batchAck == nil)
        let firstAck = reporter.acknowledge(first.id)
        #expect(firstAck == 7)
        let lateAck = reporter.acknowledge(first.id)
        #expect(lateAck == nil, "a second ack (of a resend) is not counted again")

        let second = try due(&reporter, t0 + .seconds(2), wall0 + 2)
        #expect(second.id != first.id)
        #expect(second.report.dropped == 6)
        #expect(second.report.queueFull == 4 && second.report.spoolFull == 0)
        #expect(second.report.spoolUnreadable == 1 && second.report.shutdown == 1)
        #expect(second.report.since == first.report.until, "periods follow each other")
    }

    @Test func atMostOneReportASecondExceptAtShutdown() throws {
        var reporter = makeReporter()
        reporter.observe(.init(queueFull: 1))
        let first = try due(&reporter, t0, wall0)
        reporter.didSend(at: t0)
        let ack = reporter.acknowledge(first.id)
        #expect(ack == 1)
        reporter.observe(.init(queueFull: 2))
        let soon = t0 + .milliseconds(300)
        let tooSoon = reporter.nextToSend(now: soon, wallClock: wall0, stopping: false)
        #expect(tooSoon == nil)
        #expect(reporter.nextDeadline(now: soon) == t0 + .seconds(1))
        #expect(reporter.hasWork)
        // Shutting down: the last drops go at once, while there is time.
        let last = try due(&reporter, soon, wall0, stopping: true)
        #expect(last.report.dropped == 1)
    }

    @Test func theReportInFlightIsResentWithTheSameIDAfterTheAckTimeoutOrAReconnection() throws {
        var reporter = makeReporter()
        reporter.observe(.init(queueFull: 3))
        let first = try due(&reporter, t0, wall0)
        reporter.didSend(at: t0)
        #expect(reporter.nextDeadline(now: t0) == t0 + .seconds(5))
        let expiredEarly = reporter.expireTimeout(now: t0 + .seconds(4))
        #expect(!expiredEarly)
        let beforeTimeout = reporter.nextToSend(now: t0 + .seconds(4), wallClock: wall0, stopping: false)
        #expect(beforeTimeout == nil)
        let expired = reporter.expireTimeout(now: t0 + .seconds(5))
        #expect(expired)
        let resent = try due(&reporter, t0 + .seconds(5), wall0)
        #expect(resent.isResend && resent.id == first.id && resent.report == first.report)
        reporter.didSend(at: t0 + .seconds(5))

        reporter.connectionRestored()
        let again = try due(&reporter, t0 + .seconds(6), wall0)
        #expect(again.isResend && again.report == first.report)
    }

    @Test func anOlderWriterPausesReportsUntilTheNextConnection() throws {
        var reporter = makeReporter()
        reporter.observe(.init(queueFull: 3))
        let first = try due(&reporter, t0, wall0)
        reporter.didSend(at: t0)
        let otherRefusal = reporter.refuse("other-batch", message: "refused")
        #expect(otherRefusal == nil)
        let refusal = reporter.refuse(first.id, message: #"unknown verb "report""#)
        #expect(refusal == .writerLacksReports)
        #expect(!reporter.hasWork, "shutdown does not wait for a writer that cannot take reports")
        #expect(reporter.nextDeadline(now: t0) == nil)
        let whilePaused = reporter.nextToSend(now: t0 + .seconds(60), wallClock: wall0, stopping: true)
        #expect(whilePaused == nil)
        // A new connection may be to an upgraded writer: the same report goes again.
        reporter.connectionRestored()
        let again = try due(&reporter, t0 + .seconds(61), wall0)
        #expect(again.id == first.id && again.isResend)
    }

    @Test func aRefusedReportIsNotSentAgain() throws {
        var reporter = makeReporter()
        reporter.observe(.init(queueFull: 3))
        let first = try due(&reporter, t0, wall0)
        reporter.didSend(at: t0)
        let refusal = reporter.refuse(first.id, message: "invalid report: emitter: must not be empty")
        #expect(refusal == .refused(dropped: 3))
        let afterRefusal = reporter.nextToSend(now: t0 + .seconds(10), wallClock: wall0, stopping: false)
        #expect(afterRefusal == nil)
        reporter.observe(.init(queueFull: 4))
        let next = try due(&reporter, t0 + .seconds(10), wall0)
        #expect(next.report.dropped == 1)
    }

    @Test func theProcessNameIsHostSlashPid() {
        let name = DropReporter.processName()
        #expect(name.hasSuffix("/\(getpid())"))
        #expect(name.count > "/\(getpid())".count)
    }
}
