import ExecLogTestSupport
import Foundation
import Testing

/// Fault 2 of docs/GUARANTEES.md: no writer at all while worker processes run and exit normally.
/// Their spools must hold everything, and new processes on the same spool folders deliver it once
/// the writer is up.
@Suite(.timeLimit(.minutes(5)))
struct WriterAbsentTests {
    @Test func whatWorkersRecordedWithNoWriterIsDeliveredFromTheirSpoolsLater() throws {
        let count = 20_000
        let folder = try TemporaryFolder()
        let endpoint = "ipc://" + folder.path("w.sock")  // where the Daemon below will listen
        let spool = folder.path("spool")
        let idsFile = folder.path("ids.txt")

        // 1. No writer. A 1 MiB memory bound sends most events to the spool while the workers record;
        //    the rest go there at shutdown.
        let started = Date()
        let absent = try LoadgenRun(
            [
                "emit", "--endpoint", endpoint, "--count", String(count), "--processes", "4", "--spool-dir", spool,
                "--flush-timeout", "1s", "--latency-scale", "0", "--payload-bytes", "400", "--ids-out", idsFile, "--json",
            ],
            environment: ["EXECLOG_MAX_QUEUE_BYTES": String(1 << 20)])
        let absentStatus = absent.waitForExit(timeout: 120)
        let recorded = try #require(absent.summary, "no summary: \(absent.lines.suffix(3))")
        let segmentsLeft = spoolSegments(under: spool)
        #expect(absentStatus == 0)
        #expect(recorded.emitted == count && recorded.spooled == count)
        #expect(recorded.acked == 0 && recorded.dropped == 0)
        for index in 0..<4 {
            #expect(!spoolSegments(under: spool + "/\(index)").isEmpty, "process \(index) left no spool segment")
        }

        // 2. The writer starts; new workers on the same spool folders record nothing and deliver it all.
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let delivery = try LoadgenRun([
            "emit", "--endpoint", endpoint, "--count", "0", "--processes", "4", "--spool-dir", spool,
            "--flush-timeout", "120s", "--json",
        ])
        let deliveryStatus = delivery.waitForExit(timeout: 150)
        let delivered = try #require(delivery.summary, "no summary: \(delivery.lines.suffix(3))")
        let emitted = try emittedIDs(idsFile)
        let store = try StoreContents(path: daemon.storePath)
        print("""
            fault (writer absent): emitted \(emitted.count) with no writer, spooled \(recorded.spooled) in \
            \(segmentsLeft.count) segments; then replayed \(delivered.replayed), acked \(delivered.acked), \
            stored rows \(store.rows), distinct \(store.distinct), \
            \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            """)
        #expect(deliveryStatus == 0)
        #expect(delivered.replayed == count && delivered.acked == count && delivered.dropped == 0)
        #expect(emitted.count == count)
        #expect(store.rows == count && store.distinct == count)
        #expect(Bool(store.ids == Set(emitted)), "the store's ids differ from the emitted ones")
        #expect(spoolSegments(under: spool).isEmpty, "segments left after delivery: \(spoolSegments(under: spool))")
    }
}
