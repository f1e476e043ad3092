import ExecLogSimulation
import ExecLogStore
import ExecLogTestSupport
import ExecLogWire
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Faults injected into the real pipeline: the writer killed with SIGKILL again and again while worker
/// processes keep recording. The promise (docs/GUARANTEES.md): every accepted execution is stored exactly once.
@Suite(.timeLimit(.minutes(10)))
struct FaultTests {
    @Test func nothingIsLostOrDoubledWhenTheWriterIsKilledAgainAndAgain() throws {
        let count = Int(ProcessInfo.processInfo.environment["EXECLOG_FAULT_EVENTS"] ?? "") ?? 200_000
        let kills = 10
        let folder = try TemporaryFolder()
        var daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let idsFile = folder.path("ids.txt")
        let started = Date()
        let loadgen = try LoadgenRun([
            "emit", "--endpoint", daemon.ipcEndpoint, "--count", String(count), "--processes", "4",
            "--payload-bytes", "400", "--latency-scale", "0", "--ids-out", idsFile, "--json",
        ])
        defer { if loadgen.process.isRunning { kill(loadgen.process.pid, SIGKILL) } }

        // The moments of the kills: `EXECLOG_FAULT_SEED` repeats a run.
        let seed = ProcessInfo.processInfo.environment["EXECLOG_FAULT_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64.max)
        print("fault: seed \(seed) (EXECLOG_FAULT_SEED=\(seed) repeats its kill times)")
        var generator = SplitMix64(seed: seed)
        var killed = 0
        var duplicatesSeen = 0
        while killed < kills, loadgen.process.isRunning {
            usleep(UInt32.random(in: 300_000...1_500_000, using: &generator))
            // What this writer instance deduplicated before it died.
            duplicatesSeen += (try? RawClient(endpoint: daemon.ipcEndpoint).status(timeout: 1)?.duplicates) ?? 0
            daemon.signal(SIGKILL)
            _ = daemon.waitForExit(timeout: 10)
            killed += 1
            usleep(UInt32.random(in: 50_000...800_000, using: &generator))
            daemon = try Daemon(folder: folder)
            try daemon.waitUntilReady()
        }
        let status = loadgen.waitForExit(timeout: 600)
        duplicatesSeen += (try? RawClient(endpoint: daemon.ipcEndpoint).status(timeout: 1)?.duplicates) ?? 0
        #expect(status == 0)
        let summary = try #require(loadgen.summary, "no summary: \(loadgen.lines.suffix(3))")

        let emitted = try String(contentsOfFile: idsFile, encoding: .utf8).split(separator: "\n").map(String.init)
        var configuration = Configuration()
        configuration.readonly = true
        let (rows, distinct, stored) = try DatabaseQueue(path: daemon.storePath, configuration: configuration).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions")!,
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT id) FROM ai_executions")!,
             Set(try String.fetchAll(db, sql: "SELECT id FROM ai_executions")))
        }
        let missing = Set(emitted).subtracting(stored)
        print("""
            fault (SIGKILL): emitted \(emitted.count), stored rows \(rows), distinct \(distinct), \
            duplicates seen by the writers \(duplicatesSeen), acked to the emitters as stored \(summary.stored) \
            and as duplicates \(summary.duplicates), kills \(killed), \
            \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            """)
        #expect(killed == kills)
        #expect(emitted.count == count)
        #expect(rows == count && distinct == count)
        #expect(missing.isEmpty, "\(missing.count) emitted ids missing from the store")
        // Every execution acked once, as stored or as a duplicate of one a killed writer had committed
        // but not acked: the duplicates counted are exactly the resends the store absorbed.
        #expect(summary.acked == count && summary.rejected == 0 && summary.dropped == 0)
        #expect(summary.stored + summary.duplicates == count)
        #expect(summary.stored <= rows)
    }
}
