import ExecLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Fault 3 of docs/GUARANTEES.md: the writer stopped with SIGSTOP for 10 s under load. A stopped
/// process keeps its connections open, so nothing tells the emitter it is gone: record() must keep
/// returning at once, and the emitter's memory must stay within its bound (the rest to the spool).
@Suite(.timeLimit(.minutes(5)))
struct WriterStoppedTests {
    /// A phase of the run, from the progress lines whose whole interval fell in it.
    struct Phase: CustomStringConvertible {
        let name: String
        var windows: [EmitProgress] = []

        var records: Int { windows.reduce(0) { $0 + $1.records } }
        var medianP50: Double { windows.map(\.recordP50).sorted()[windows.count / 2] }
        var worstP99: Double { windows.map(\.recordP99).max() ?? 0 }
        var worstMax: Double { windows.map(\.recordMax).max() ?? 0 }
        var peakRSS: Int { windows.map(\.rssBytes).max() ?? 0 }

        var description: String {
            guard !windows.isEmpty else { return "\(name): no window" }
            return "\(name) \(windows.count) s: \(records) records, record() p50 \(String(format: "%.1f", medianP50)) µs, "
                + "p99 \(String(format: "%.1f", worstP99)) µs, max \(String(format: "%.0f", worstMax)) µs, "
                + "RSS \(peakRSS >> 20) MiB"
        }
    }

    @Test func recordKeepsItsPaceAndMemoryStaysBoundedWhileTheWriterIsStopped() throws {
        let rate = 1_000
        let seconds = 24
        let maxQueueBytes = 4 << 20
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        // Events of about 8.5 KB at 1,000/s: 85 MB would pile up in 10 s without the bound.
        let run = try LoadgenRun(
            [
                "emit", "--endpoint", daemon.ipcEndpoint, "--count", String(rate * seconds), "--rate", String(rate),
                "--track-ratio", "0", "--payload-bytes", "8000", "--spool-dir", folder.path("spool"),
                "--progress-interval", "1s", "--flush-timeout", "120s", "--json",
            ],
            // Content redaction off: this test is about the memory bound and record()'s latency, and in a
            // debug build scanning 8 KB texts 1,000 times a second is more than the sender keeps up with.
            environment: ["EXECLOG_MAX_QUEUE_BYTES": String(maxQueueBytes), "EXECLOG_CONTENT_CAPTURE": "full"])

        // Five seconds of normal running, then ten stopped.
        let readyBy = Date().addingTimeInterval(30)
        while run.progress.count < 5, Date() < readyBy, run.process.isRunning { usleep(50_000) }
        #expect(run.progress.count >= 5, "no progress lines: \(run.lines.suffix(3))")
        let stoppedAt = Date().timeIntervalSince1970
        daemon.signal(SIGSTOP)
        usleep(10_000_000)
        let continuedAt = Date().timeIntervalSince1970
        daemon.signal(SIGCONT)
        let status = run.waitForExit(timeout: 180)

        var before = Phase(name: "before"), during = Phase(name: "during"), after = Phase(name: "after")
        for window in run.progress.dropLast() {  // the last line is the end of the run, not an interval
            let start = window.at - 1
            if window.at <= stoppedAt { before.windows.append(window) }
            else if start >= stoppedAt, window.at <= continuedAt { during.windows.append(window) }
            else if start >= continuedAt { after.windows.append(window) }
        }
        let summary = try #require(run.summary, "no summary: \(run.lines.suffix(3))")
        let store = try StoreContents(path: daemon.storePath)
        // The bound: the accounted queue, its overflow on the way to the spool (at least 8 MiB), and
        // libzmq's copies of the batches in flight (2 × 8 batches of up to 1 MiB); plus 16 MiB of slack.
        let allowedGrowth = maxQueueBytes + max(maxQueueBytes, 8 << 20) + 16 << 20 + 16 << 20
        let growth = during.peakRSS - before.peakRSS
        print("""
            fault (writer stopped 10 s, \(rate)/s, memory bound \(maxQueueBytes >> 20) MiB + spool):
              \(before)
              \(during)
              \(after)
              RSS growth while stopped \(growth >> 20) MiB (allowed \(allowedGrowth >> 20) MiB); \
            emitted \(summary.emitted), acked \(summary.acked), dropped \(summary.dropped), stored rows \(store.rows)
            """)
        #expect(status == 0)
        #expect(before.windows.count >= 3 && during.windows.count >= 8 && after.windows.count >= 3)
        // Never blocked: the caller kept its pace while the writer was stopped…
        #expect(Double(during.records) >= 0.8 * Double(rate * during.windows.count))
        // …and each call stayed short (generous: a loaded 2-core machine deschedules threads).
        #expect(during.worstP99 < 5_000)
        #expect(growth <= allowedGrowth)
        #expect(summary.emitted == rate * seconds && summary.acked == summary.emitted && summary.dropped == 0)
        #expect(store.rows == summary.emitted && store.distinct == summary.emitted)
    }
}
