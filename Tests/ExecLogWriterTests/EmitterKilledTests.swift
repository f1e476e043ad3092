import ExecLogTestSupport
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Fault 4 of docs/GUARANTEES.md: a worker killed with SIGKILL while its writer is away. What reached
/// its spool is delivered by the next process started on the same folder; what it held only in memory
/// is lost, and that loss must stay within the documented window.
@Suite(.timeLimit(.minutes(5)))
struct EmitterKilledTests {
    @Test func whatReachedTheSpoolIsDeliveredAfterTheWorkerIsKilled() throws {
        let maxQueueBytes = 1 << 20
        let folder = try TemporaryFolder()
        let endpoint = "ipc://" + folder.path("w.sock")
        let spool = folder.path("spool")
        let idsFile = folder.path("ids.txt")

        // No writer: at 2,000 per second, the 1 MiB memory bound fills at once and the rest goes to the spool.
        let worker = try LoadgenRun(
            [
                "emit", "--endpoint", endpoint, "--count", "1000000", "--rate", "2000", "--track-ratio", "0",
                "--payload-bytes", "2000", "--spool-dir", spool, "--ids-out", idsFile,
            ],
            environment: ["EXECLOG_MAX_QUEUE_BYTES": String(maxQueueBytes)])
        let deadline = Date().addingTimeInterval(60)
        while ((try? emittedIDs(idsFile).count) ?? 0) < 16_000, Date() < deadline, worker.process.isRunning {
            usleep(100_000)
        }
        kill(worker.process.pid, SIGKILL)
        #expect(worker.waitForExit(timeout: 10) != nil)
        #expect(worker.process.wasSignalled)
        let spooledBytes = spoolSegments(under: spool).reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: spool + "/" + name)[.size] as? Int) ?? 0)
        }

        // The writer comes; the next worker on the same spool folder delivers what the spool holds.
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let next = try LoadgenRun([
            "emit", "--endpoint", endpoint, "--count", "0", "--spool-dir", spool, "--flush-timeout", "120s", "--json",
        ])
        let nextStatus = next.waitForExit(timeout: 150)
        let delivered = try #require(next.summary, "no summary: \(next.lines.suffix(3))")

        // The ids file is written ahead of the record() calls: it lists every id recorded, plus at most
        // one chunk (256) generated and not yet recorded.
        let emitted = try emittedIDs(idsFile)
        let store = try StoreContents(path: daemon.storePath)
        let lost = emitted.count - store.rows
        // The documented window: what was in memory and not yet spooled, at most `maxQueueBytes` plus
        // the overflow on its way to the spool (max(maxQueueBytes, 8 MiB)), in events of at least the
        // smallest size seen; plus the chunk of ids written ahead.
        var readOnly = Configuration()
        readOnly.readonly = true
        let smallestEvent = try DatabaseQueue(path: daemon.storePath, configuration: readOnly).read { db in
            try Int.fetchOne(db, sql: "SELECT min(length(CAST(input_messages AS BLOB))) FROM ai_executions") ?? 0
        } + 420
        let window = (maxQueueBytes + max(maxQueueBytes, 8 << 20)) / smallestEvent + 256
        print("""
            fault (worker SIGKILL, no writer): recorded ≤ \(emitted.count), spool held \(spooledBytes >> 20) MiB; \
            the next worker replayed \(delivered.replayed), stored rows \(store.rows); lost \(lost) \
            (window \(window) events of ≥ \(smallestEvent) bytes)
            """)
        #expect(emitted.count >= 16_000)
        #expect(nextStatus == 0)
        #expect(delivered.replayed == store.rows && delivered.dropped == 0)
        #expect(store.rows == store.distinct)
        #expect(Bool(store.ids.isSubset(of: Set(emitted))), "the store holds ids that were never emitted")
        #expect(lost >= 0 && lost <= window)
        #expect(spoolSegments(under: spool).isEmpty)
    }
}
