import ExecLogStore
import ExecLogTestSupport
import ExecLogWire
import Foundation
import GRDB
import Testing

/// The whole pipeline as it runs in production: worker processes embedding ExecLog (the load generator),
/// the real daemon, the real store.
@Suite(.timeLimit(.minutes(5)))
struct PipelineTests {
    /// `pool`: the load generator's `--pool` (the benchmark's emitters), which records a few made-up
    /// executions again and again, each with a fresh id.
    @Test(arguments: [(100_000, 4, "ipc", 0), (5_000, 2, "tcp", 0), (20_000, 2, "ipc", 100)])
    func everyExecutionFromSeveralWorkerProcessesIsStoredExactlyOnce(
        count: Int, processes: Int, transport: String, pool: Int
    ) throws {
        let folder = try TemporaryFolder()
        // tcp as it runs in production: under CURVE, the workers' keys in their environment.
        let keys = try CurveKeys(folder: folder)
        let daemon = try Daemon(folder: folder, extraArguments: transport == "tcp" ? ["--listen", "tcp://127.0.0.1:*"] + keys.daemonArguments : [])
        let status = try daemon.waitUntilReady()
        let endpoint = transport == "tcp" ? try #require(status.endpoints.first { $0.hasPrefix("tcp://") }) : daemon.ipcEndpoint
        let idsFile = folder.path("ids.txt")

        let started = Date()
        let loadgen = try LoadgenRun(
            [
                "emit", "--endpoint", endpoint, "--count", String(count), "--processes", String(processes),
                "--payload-bytes", "600", "--ids-out", idsFile, "--json", "--latency-scale", "0", "--pool", String(pool),
            ],
            environment: transport == "tcp" ? keys.allowedClientEnvironment : [:])
        let loadgenStatus = loadgen.waitForExit(timeout: 600)
        let seconds = Date().timeIntervalSince(started)
        #expect(loadgenStatus == 0, "\(loadgen.lines.suffix(5)) \(loadgen.process.stderr.suffix(2_000))")
        let summary = try #require(loadgen.summary, "no summary: \(loadgen.lines.suffix(3))")
        print("pipeline \(transport): \(processes) processes emitted \(summary.emitted) in \(String(format: "%.1f", seconds)) s; acked \(summary.acked), stored \(summary.stored), duplicates \(summary.duplicates), dropped \(summary.dropped)")
        #expect(summary.emitted == count)
        #expect(summary.acked == count && summary.dropped == 0 && summary.rejected == 0)
        #expect(summary.stored + summary.duplicates == count)

        // The store itself: rows = distinct ids = emitted, and every emitted id is there.
        let emittedIDs = try String(contentsOfFile: idsFile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(emittedIDs.count == count)
        #expect(Set(emittedIDs).count == count)
        let queue = try DatabaseQueue(path: daemon.storePath, configuration: { var c = Configuration(); c.readonly = true; return c }())
        let (rows, distinct) = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions")!,
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT id) FROM ai_executions")!)
        }
        #expect(rows == count && distinct == count)
        let stored = try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM ai_executions")) }
        let missing = Set(emittedIDs).subtracting(stored)
        #expect(missing.isEmpty, "\(missing.count) emitted ids are not in the store, e.g. \(missing.prefix(3))")
    }
}
