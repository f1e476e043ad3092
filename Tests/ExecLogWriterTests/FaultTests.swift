import ExecLogStore
import ExecLogTestSupport
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
        let loadgen = Process()
        loadgen.executableURL = try Products.url("execlog-loadgen")
        loadgen.arguments = [
            "emit", "--endpoint", daemon.ipcEndpoint, "--count", String(count), "--processes", "4",
            "--payload-bytes", "400", "--latency-scale", "0", "--ids-out", idsFile, "--json",
        ]
        loadgen.standardOutput = FileHandle.nullDevice
        loadgen.standardError = FileHandle.nullDevice
        let started = Date()
        try loadgen.run()
        defer { if loadgen.isRunning { kill(loadgen.processIdentifier, SIGKILL) } }

        var generator = SystemRandomNumberGenerator()
        var killed = 0
        var duplicatesSeen = 0
        while killed < kills, loadgen.isRunning {
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
        loadgen.waitUntilExit()
        duplicatesSeen += (try? RawClient(endpoint: daemon.ipcEndpoint).status(timeout: 1)?.duplicates) ?? 0
        #expect(loadgen.terminationStatus == 0)

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
            duplicates seen by the writers \(duplicatesSeen), kills \(killed), \
            \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            """)
        #expect(killed == kills)
        #expect(emitted.count == count)
        #expect(rows == count && distinct == count)
        #expect(missing.isEmpty, "\(missing.count) emitted ids missing from the store")
    }
}
