import ExecLogSimulation
import ExecLogTestSupport
import ExecLogWire
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A reader holding one read transaction open for the whole time 100,000 events are written: SQLite cannot
/// reset the WAL under its snapshot, so the WAL grows. Once the reader is gone, the writer must bring the
/// WAL back down by itself (docs/DAEMON.md §5, docs/GUARANTEES.md "The WAL stays bounded").
@Suite(.timeLimit(.minutes(6)))
struct LongReaderTests {
    /// 100,000 events: the WAL passes 32 MiB (4 × `checkpointWALBytes`), so the writer's size-triggered
    /// TRUNCATE empties it.
    @Test func theWALShrinksBackOnceALongReaderEnds() throws {
        try writeUnderALongReader(count: 100_000)
    }

    /// 10,000 events: the WAL stays under 32 MiB and under 1,000 commits. Before the writer's idle TRUNCATE,
    /// it kept its 29 MiB after the reader ended, until 1,000 more commits came.
    @Test func aWALUnder32MiBShrinksBackTooOnceTheReaderEnds() throws {
        try writeUnderALongReader(count: 10_000)
    }

    /// Writes `count` events from 2 loadgen processes while a reader holds a snapshot taken after the first
    /// 1,000; then ends the reader and waits for the WAL to shrink.
    func writeUnderALongReader(count: Int) throws {
        let started = Date()
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let walPath = daemon.storePath + "-wal"
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        var generator = ExecutionGenerator(seed: 11)
        let first = (0..<1_000).map { _ in generator.next().eventBytes }
        #expect(try client.sendBatch("first", first)?.stored == 1_000)
        let before = Self.fileSize(walPath)

        // Another process, as a CLI query or a backup would be: its snapshot is taken by the first SELECT.
        let reader = try ReaderProcess(storePath: daemon.storePath)
        defer { reader.kill() }
        #expect(try reader.count() == 1_000)

        let loadgen = try LoadgenRun([
            "emit", "--endpoint", daemon.ipcEndpoint, "--count", String(count), "--processes", "2", "--latency-scale", "0",
            "--payload-bytes", "200",
        ])
        var peak = before
        let loadDeadline = Date().addingTimeInterval(300)
        while loadgen.process.isRunning, Date() < loadDeadline {
            peak = max(peak, Self.fileSize(walPath))
            Thread.sleep(forTimeInterval: 0.1)
        }
        let loadgenStatus = loadgen.waitForExit(timeout: 5)
        #expect(loadgenStatus == 0, "execlog-loadgen: \(loadgen.lines.suffix(3)) \(loadgen.process.stderr.suffix(2_000))")
        let writing = Date().timeIntervalSince(started)

        // The writer is idle now and tries to empty the WAL, but the reader still holds its snapshot: the
        // attempt is held back (an event the status counts), the WAL stays, and the reader still sees the
        // store as it was.
        let blockedBefore = try #require(try client.status()).checkpointsBlocked
        let blocked = try Poll.until(timeout: 15, every: 0.1) { () throws -> Int? in
            let now = try #require(try client.status()).checkpointsBlocked
            return now > blockedBefore ? now : nil
        }
        #expect(blocked != nil, "the idle writer never tried to checkpoint under the reader")
        let held = Self.fileSize(walPath)
        peak = max(peak, held)
        #expect(try reader.count() == 1_000)
        #expect(held > min(count, 100_000) * 100, "the WAL should have grown under the reader: \(held) bytes")

        try reader.finish()
        // Without a reader, the writer's own checkpoints empty the WAL within a few seconds.
        let shrinkStarted = Date()
        var after = Self.fileSize(walPath)
        while after > Self.walBoundAfter, Date().timeIntervalSince(shrinkStarted) < 10 {
            usleep(100_000)
            after = Self.fileSize(walPath)
        }
        let shrinkSeconds = Date().timeIntervalSince(shrinkStarted)

        var configuration = Configuration()
        configuration.readonly = true
        let (rows, integrity) = try DatabaseQueue(path: daemon.storePath, configuration: configuration).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions") ?? -1,
             try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "none")
        }
        let status = try #require(try client.status())
        print("""
            long reader: \(count) events written in \(String(format: "%.1f", writing)) s under a reader's snapshot; \
            WAL before \(Self.mebibytes(before)), peak \(Self.mebibytes(peak)), held \(Self.mebibytes(held)), \
            after \(Self.mebibytes(after)) (\(String(format: "%.1f", shrinkSeconds)) s after the reader ended); \
            rows \(rows), integrity \(integrity), writer checkpoints \(status.checkpoints)
            """)
        #expect(after <= Self.walBoundAfter, "the WAL stayed at \(after) bytes after the reader ended")
        #expect(rows == 1_000 + count)
        #expect(integrity == "ok")
        #expect(status.stored == 1_000 + count && status.rejected == 0)
        #expect(daemon.process.isRunning)
    }

    /// The WAL once the writer has caught up with no reader in the way: a TRUNCATE empties it.
    static let walBoundAfter = 1 << 20

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func mebibytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}

/// `python3` holding one read transaction on the store: each line on its stdin asks for `count(*)` in that
/// same transaction; closing stdin ends the transaction and the process.
final class ReaderProcess {
    static let script = """
        import sqlite3, sys
        db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True, isolation_level=None)
        db.execute("BEGIN")
        for line in sys.stdin:
            print(db.execute("SELECT count(*) FROM ai_executions").fetchone()[0], flush=True)
        db.execute("COMMIT")
        db.close()
        print("done", flush=True)
        """

    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffered: [UInt8] = []

    init(storePath: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, storePath]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// `count(*)` as the reader's transaction sees it.
    func count(timeout: TimeInterval = 20) throws -> Int {
        try input.fileHandleForWriting.write(contentsOf: Data("count\n".utf8))
        let line = try readLine(timeout: timeout)
        guard let count = Int(line) else { throw DaemonFailure("reader answered \(line.debugDescription)") }
        return count
    }

    /// Ends the transaction (stdin closed) and waits for the process to exit.
    func finish(timeout: TimeInterval = 20) throws {
        try input.fileHandleForWriting.close()
        let line = try readLine(timeout: timeout)
        guard line == "done" else { throw DaemonFailure("reader answered \(line.debugDescription)") }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { throw DaemonFailure("the reader did not exit") }
    }

    /// One line of output, waiting at most `timeout` (a blocked reader must not hang the test).
    private func readLine(timeout: TimeInterval) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        let descriptor = output.fileHandleForReading.fileDescriptor
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow) * 1_000)
            var item = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard remaining > 0, poll(&item, 1, remaining) > 0 else { throw DaemonFailure("no answer from the reader") }
            var chunk = [UInt8](repeating: 0, count: 4_096)
            let count = read(descriptor, &chunk, chunk.count)
            guard count > 0 else { throw DaemonFailure("the reader closed its output") }
            buffered += chunk[..<count]
        }
    }

    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}
