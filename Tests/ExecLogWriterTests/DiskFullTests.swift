import ExecLogTestSupport
import ExecLogWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Fault 5 of docs/GUARANTEES.md: the writer's disk fills up (SQLITE_FULL) while workers emit, and is
/// freed later. The writer must roll back, ack nothing it did not commit, keep running, retry, and
/// recover by itself: no loss, no duplicate, `PRAGMA integrity_check` ok.
///
/// The store lives on a small tmpfs that the test mounts, which needs root (CI runs as root); where
/// mounting is not allowed the test is skipped, and says so.
@Suite(.timeLimit(.minutes(5)))
struct DiskFullTests {
    @Test(.enabled(if: SmallFilesystem.canMount, "mounting a tmpfs needs root (CAP_SYS_ADMIN)"))
    func theWriterWaitsOutAFullDiskAndLosesNothing() throws {
        let count = 12_000
        let folder = try TemporaryFolder()
        // Room for the whole store once the filler is gone: 12,000 such events take ~41 MB of database and
        // up to ~20 MB of WAL before a checkpoint (more when the machine is loaded and checkpoints lag). At
        // 64 MB a loaded run filled the disk a second time, for good, after the filler was removed.
        let filesystem = try SmallFilesystem(at: folder.path("fs"), megabytes: 192)
        // Leave 3 MiB: the store fills it within the first few thousand events.
        let filler = folder.path("fs/filler")
        try filesystem.fill(filler, leavingMegabytes: 3)
        var daemon: Daemon? = try Daemon(folder: folder, store: "fs/store.db")
        defer {
            daemon = nil  // killed before the unmount
            filesystem.unmount()
        }
        try daemon!.waitUntilReady()

        let idsFile = folder.path("ids.txt")
        let workers = try LoadgenRun([
            "emit", "--endpoint", daemon!.ipcEndpoint, "--count", String(count), "--processes", "2",
            "--latency-scale", "0", "--payload-bytes", "1500", "--ids-out", idsFile, "--flush-timeout", "150s", "--json",
        ])
        // Wait for the first failed commit; then for the writer to have failed and retried a few times more.
        let failingWriter = try #require(daemon)
        let failing = Poll.until(timeout: 90, every: 0.1) {
            failingWriter.log.contains("commit failed") ? true : workers.process.isRunning ? nil : false
        } ?? false
        #expect(failing, "the disk never filled: \(failingWriter.log.suffix(500))")
        let retried = Poll.until(timeout: 30, every: 0.1) { () -> Int? in
            guard let failures = (try? RawClient(endpoint: failingWriter.ipcEndpoint).status(timeout: 1))??.commitFailures,
                failures >= 5 || !failingWriter.process.isRunning
            else { return nil }
            return failures
        }
        #expect(retried != nil, "the writer did not retry its failed commit: \(failingWriter.log.suffix(500))")
        let aliveWhileFull = daemon!.process.isRunning
        let failedLines = daemon!.log.components(separatedBy: "commit failed").count - 1
        try FileManager.default.removeItem(atPath: filler)
        let freedAt = Date()

        let status = workers.waitForExit(timeout: 180)
        let recovery = Date().timeIntervalSince(freedAt)
        let summary = try #require(workers.summary, "no summary: \(workers.lines.suffix(3))")
        let writer = try #require(try RawClient(endpoint: daemon!.ipcEndpoint).status(timeout: 5))
        let emitted = try emittedIDs(idsFile)
        let store = try StoreContents(path: daemon!.storePath)
        print("""
            fault (disk full): \(writer.commitFailures) failed commits (\(failedLines) logged) while full; \
            recovered \(String(format: "%.1f", recovery)) s after space was freed; emitted \(emitted.count), \
            acked \(summary.acked), stored rows \(store.rows), distinct \(store.distinct), \
            duplicates \(writer.duplicates), integrity_check \(store.integrity); \
            \(filesystem.freeMegabytes) MB of \(filesystem.megabytes) MB free at the end
            """)
        #expect(aliveWhileFull && daemon!.process.isRunning)
        #expect(writer.commitFailures > 0)
        #expect(status == 0)
        #expect(summary.emitted == count && summary.acked == count && summary.dropped == 0)
        #expect(store.rows == count && store.distinct == count)
        #expect(Bool(store.ids == Set(emitted)), "the store's ids differ from the emitted ones")
        #expect(store.integrity == "ok")
    }
}

/// A tmpfs of a few megabytes, mounted for one test.
struct SmallFilesystem {
    let path: String
    let megabytes: Int

    /// What is free now, to tell a full store apart from a writer that does not recover.
    var freeMegabytes: Int {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return -1 }
        return (Int(stats.f_bavail) * Int(stats.f_frsize)) >> 20
    }

    /// Whether this process may mount one (root, or CAP_SYS_ADMIN): tries with a 1 MiB one.
    static let canMount: Bool = {
        let probe = "/tmp/elt-mount-probe-\(getpid())"
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil
        else { return false }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]) == 0 else { return false }
        return run("/bin/umount", [probe]) == 0
    }()

    init(at path: String, megabytes: Int) throws {
        self.path = path
        self.megabytes = megabytes
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]) == 0 else {
            throw DaemonFailure("cannot mount a tmpfs on \(path)")
        }
    }

    /// Writes a file that takes all the free space but `leavingMegabytes`.
    func fill(_ file: String, leavingMegabytes: Int) throws {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { throw DaemonFailure("statvfs \(path)") }
        let free = Int(stats.f_bavail) * Int(stats.f_frsize)
        let size = free - leavingMegabytes << 20
        let chunk = [UInt8](repeating: 0x5A, count: 1 << 20)
        FileManager.default.createFile(atPath: file, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        var written = 0
        while written < size {
            let part = min(chunk.count, size - written)
            try handle.write(contentsOf: chunk[0..<part])
            written += part
        }
    }

    func unmount() {
        _ = Self.run("/bin/umount", ["-l", path])
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        guard let process = try? ChildProcess(URL(fileURLWithPath: tool), arguments) else { return -1 }
        return process.waitForExit(timeout: 60) ?? -1
    }
}
