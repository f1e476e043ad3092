import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import ExecLogWire
import Foundation
import Testing

@testable import ExecLog

#if canImport(Glibc)
    import Glibc
#endif

/// Drop reports end to end: emitters' drops reach the real `execlogd`, its store, and the `execlog`
/// command, exactly once. Synchronous tests: sockets and SQLite stay off the cooperative pool.
@Suite(.timeLimit(.minutes(2)))
struct DropReportTests {
    /// Waits for `condition`, polling; false at the timeout.
    func waitUntil(_ timeout: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            if Date() >= deadline { return false }
            usleep(20_000)
        }
        return true
    }

    /// Runs the built `execlog` and returns its standard output; the test fails if it does not succeed.
    func execlog(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let process = try ChildProcess(product: "execlog", arguments)
        let status = process.waitForExit(timeout: 30)
        #expect(status == 0, "execlog \(arguments): \(process.stderr)", sourceLocation: sourceLocation)
        let stdout = process.stdout
        return stdout
    }

    func jsonObject(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Every one the same size, so that the queue's bound holds exactly two.
    func sampleExecution(_ index: Int) -> Execution {
        Execution(
            usageType: "general", inputMessages: [["role": "user", "content": .string("question \(1_000 + index)")]],
            provider: "openai", modelName: "gpt-5", executionTimeMs: 100)
    }

    @Test func dropsWhileNoWriterListensAreStoredOnceAndShownByTheCLI() throws {
        let folder = try TemporaryFolder()
        let endpoint = "ipc://" + folder.path("w.sock")
        // Room for two events and no spool: with no writer, the rest of what is recorded is dropped.
        // A short ack timeout makes the report resend quickly below; long heartbeats keep the
        // connection through the writer's pause.
        let log = ExecutionLogger(
            configuration: .init(
                endpoint: endpoint, maxQueueBytes: sampleExecution(0).estimatedSize.memory * 2, ackTimeout: .milliseconds(300),
                heartbeatTimeout: .seconds(30)))
        for index in 0..<40 { log.record(sampleExecution(index)) }
        #expect(log.counters.dropped == 38)

        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        #expect(waitUntil { log.counters.dropsReported == 38 }, "\(log.counters)")
        #expect(log.flushBlocking(timeout: .seconds(20)))
        #expect(log.counters.stored == 2)

        // A report resent: the writer pauses, so the report's ack is overdue and it goes again (same id)
        // several times; all those copies reach the writer when it resumes.
        daemon.signal(SIGSTOP)
        usleep(100_000)
        for index in 40..<60 { log.record(sampleExecution(index)) }
        let dropped = log.counters.dropped
        #expect(dropped == 56, "two more kept, the rest dropped")
        usleep(2_000_000)  // more than the one-second limit between reports, plus several ack timeouts
        daemon.signal(SIGCONT)
        #expect(waitUntil { log.counters.dropsReported == dropped }, "\(log.counters)")
        #expect(log.flushBlocking(timeout: .seconds(20)))

        // Stored exactly once: each report one row, 56 drops, however many copies arrived. (Two reports
        // usually; a third when the reporter, past its one-second spacing, wakes between two of the
        // drops above: the count is timing, the once is the point.)
        let store = try ExecutionStore(path: daemon.storePath, mode: .readOnly)
        let rows = try store.dropReports()
        #expect(rows.count >= 2)
        #expect(Set(rows.map(\.report.id)).count == rows.count, "a report stored twice")
        #expect(rows.reduce(0) { $0 + $1.report.dropped } == dropped)
        #expect(rows.reduce(0) { $0 + $1.report.queueFull } == dropped)
        #expect(rows.allSatisfy { $0.report.emitter.hasSuffix("/\(getpid())") })
        #expect(try store.count() == 4)

        let status = try #require(try RawClient(endpoint: daemon.ipcEndpoint).status())
        #expect(status.emitterDropped == dropped, "a resend adds nothing")
        #expect(status.reports > rows.count, "the resent copies were acked too (as duplicates): \(status.reports)")

        // What people see.
        let statusText = try execlog(["status", "--endpoint", daemon.ipcEndpoint])
        #expect(statusText.contains("  Emitter drops       56 (\(status.reports) reports)\n"), "\(statusText)")
        let statusJSON = try jsonObject(try execlog(["status", "--endpoint", daemon.ipcEndpoint, "--json"]))
        #expect(statusJSON["emitter_dropped"] as? Int == 56)
        let statsText = try execlog(["stats", "--db", daemon.storePath])
        #expect(statsText.contains("Emitter drops (time window only)\n  Dropped by emitters   56 (from 1 emitter)\n"), "\(statsText)")
        let statsJSON = try jsonObject(try execlog(["stats", "--db", daemon.storePath, "--json", "--from", "1h"]))
        #expect(statsJSON["dropped_by_emitters"] as? Int == 56)
        #expect(statsJSON["emitters_with_drops"] as? Int == 1)
        #expect(statsJSON["total_executions"] as? Int == 4)

        log.shutdownBlocking(timeout: .seconds(5))
        #expect(log.counters.dropsReported == log.counters.dropped)
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test func aReportIsStoredOnceAndAckedAfterItsCommitAndABadOneGetsAnError() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let id = UUID.v7().uuidString.lowercased()
        let body = Array(#"{"emitter":"python/7","dropped":12,"queue_full":10,"shutdown":2,"future_key":true}"#.utf8)
        let frames = [Array("execlog/1".utf8), Array("report".utf8), Array(id.utf8), body]

        try client.send(frames)
        #expect(try client.receive() == .ack(batchID: id, Ack(stored: 1, duplicates: 0)))
        // The ack follows the commit: the row is there.
        let store = try ExecutionStore(path: daemon.storePath, mode: .readOnly)
        #expect(try store.emitterDrops() == EmitterDropTotals(dropped: 12, emitters: 1, reports: 1))
        // The same report again (a resend, even in upper case): a duplicate.
        try client.send(frames)
        #expect(try client.receive() == .ack(batchID: id, Ack(stored: 0, duplicates: 1)))
        var upper = frames
        upper[2] = Array(id.uppercased().utf8)
        try client.send(upper)
        #expect(try client.receive() == .ack(batchID: id.uppercased(), Ack(stored: 0, duplicates: 1)))
        let rows = try store.dropReports()
        #expect(rows.count == 1)
        #expect(rows.first?.report.shutdown == 2 && rows.first?.report.since == nil)

        // Bad reports: an error naming the problem, frame 2 echoed, nothing stored.
        let cases: [(id: String, body: String, batchID: String?, error: String)] = [
            (id, #"{"emitter":"python/7","dropped":-1}"#, id, "invalid report: dropped: must not be negative"),
            (id, #"{"dropped":1}"#, id, "invalid report: emitter: required field is missing"),
            (id, "not json", id, "invalid report: invalid JSON"),
            ("w17-000042", #"{"emitter":"e","dropped":1}"#, "w17-000042", "frame 2 must be a report id (a UUID)"),
        ]
        for bad in cases {
            try client.send([Array("execlog/1".utf8), Array("report".utf8), Array(bad.id.utf8), Array(bad.body.utf8)])
            #expect(try client.receive() == .error(batchID: bad.batchID, message: bad.error))
        }
        #expect(try store.dropReports().count == 1)
        let status = try #require(try client.status())
        #expect(status.emitterDropped == 12)
        #expect(status.reports == 3)
        #expect(status.malformed == cases.count)
        #expect(status.batches == 0 && status.received == 0)
    }

    /// A report may claim up to Int64.max drops: two of them once stopped the writer (its counter
    /// overflowed) and then `execlog stats` (a sum read as a double past Int.max).
    @Test func reportsClaimingTheMostDropsStopNeitherTheWriterNorStats() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        for _ in 0..<2 {
            let id = UUID.v7().uuidString.lowercased()
            let body = Array(#"{"emitter":"hostile","dropped":9223372036854775807}"#.utf8)
            try client.send([Array("execlog/1".utf8), Array("report".utf8), Array(id.utf8), body])
            #expect(try client.receive() == .ack(batchID: id, Ack(stored: 1, duplicates: 0)))
        }
        let status = try #require(try client.status())
        #expect(status.emitterDropped == Int.max)
        #expect(daemon.process.isRunning)
        let stats = try jsonObject(try execlog(["stats", "--db", daemon.storePath, "--json"]))
        #expect(stats["dropped_by_emitters"] as? Int == Int.max)
    }
}
