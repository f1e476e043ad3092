import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import ExecLogWire
import ExecLogWriter
import ExecLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `synchronous` and the WAL checkpoints: the daemon's settings and what its status reports.
@Suite(.timeLimit(.minutes(1)))
struct DurabilityTests {
    static func events(_ count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = ExecutionGenerator(seed: seed)
        return (0..<count).map { _ in generator.next().eventBytes }
    }

    @Test func synchronousIsNormalByDefault() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        let status = try daemon.waitUntilReady()
        #expect(status.synchronous == "normal")
    }

    @Test func synchronousFullIsAppliedToTheWritersConnection() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder, extraArguments: ["--synchronous", "full"])
        let status = try daemon.waitUntilReady()
        // Read back from the connection (PRAGMA synchronous), not echoed from the flag.
        #expect(status.synchronous == "full")
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        #expect(try client.sendBatch("s1", Self.events(50, seed: 3))?.stored == 50)
    }

    @Test func synchronousComesFromTheEnvironmentToo() throws {
        let folder = try TemporaryFolder()
        let socket = "ipc://" + folder.path("env.sock")
        let process = try ChildProcess(
            product: "execlogd", ["--listen", socket, "--db", folder.path("env.db")],
            environment: ["EXECLOGD_SYNCHRONOUS": "FULL"])
        let status = Poll.until(timeout: 15) { () -> WriterStatus?? in
            guard process.isRunning else { return .some(nil) }
            return (try? RawClient(endpoint: socket).status(timeout: 0.3)).map { $0 }
        }
        #expect(try #require(status ?? nil, "\(process.stderr)").synchronous == "full")
    }

    @Test func anInvalidSynchronousIsAClearErrorAtStart() throws {
        let folder = try TemporaryFolder()
        let process = try ChildProcess(
            product: "execlogd",
            ["--listen", "ipc://" + folder.path("x.sock"), "--db", folder.path("x.db"), "--synchronous", "off"])
        #expect(process.waitForExit(timeout: 20) == 64)
        let output = process.stderr
        #expect(output.contains(#"synchronous: "off" is not one of ["normal", "full"]"#), "\(output)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.db")), "nothing is created before the settings are checked")
    }

    @Test func anIdleWriterCheckpointsAndReportsItsWAL() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        #expect(try client.sendBatch("c1", Self.events(200, seed: 4))?.stored == 200)
        #expect(try client.status()?.walBytes ?? 0 > 0)
        // After a second without work, a PASSIVE checkpoint.
        var status = try #require(try client.status())
        let deadline = Date().addingTimeInterval(10)
        while status.checkpoints == 0, Date() < deadline {
            usleep(100_000)
            status = try #require(try client.status())
        }
        #expect(status.checkpoints >= 1)
        #expect(try ExecutionStore(path: daemon.storePath, mode: .readOnly).count() == 200)
    }

    @Test func aTruncateCheckpointEveryFewCommitsEmptiesTheWAL() throws {
        let folder = try TemporaryFolder()
        var configuration = WriterConfiguration(endpoints: ["ipc://" + folder.path("t.sock")], storePath: folder.path("t.db"))
        configuration.checkpointCommits = 3
        let writer = try InProcessWriter(configuration)
        defer { writer.stop() }
        let client = try RawClient(endpoint: configuration.endpoints[0])
        for number in 0..<3 {
            #expect(try client.sendBatch("t\(number)", Self.events(300, seed: UInt64(10 + number)))?.stored == 300)
        }
        // The third commit made a TRUNCATE due; it runs right after that commit.
        var status = try #require(try client.status())
        let deadline = Date().addingTimeInterval(5)
        while status.walBytes != 0, Date() < deadline {
            usleep(50_000)
            status = try #require(try client.status())
        }
        #expect(status.checkpoints >= 1)
        #expect(status.walBytes == 0)
        let walPath = configuration.storePath + "-wal"
        let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size == 0)
        #expect(status.synchronous == "normal")
    }

    /// The checkpointer copies the WAL beside the commits, but under a steady load SQLite never gets to
    /// start the WAL over (the next write begins before every frame is copied): the commit thread's
    /// RESTART once the WAL holds `checkpointWALBytes` (8 MiB) of frames, and its TRUNCATE past 4 × that,
    /// keep the file bounded.
    @Test func underASteadyLoadTheWALStaysNearItsBound() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        // About 60 MB of events from 2 processes, as fast as the writer takes them.
        let run = try LoadgenRun([
            "emit", "--endpoint", daemon.ipcEndpoint, "--count", "20000", "--processes", "2", "--latency-scale", "0",
            "--payload-bytes", "2500", "--json",
        ])
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        var largestWAL = 0
        var checkpointsDuringLoad = 0
        while run.process.isRunning {
            if let status = try client.status(timeout: 2) {
                largestWAL = max(largestWAL, status.walBytes)
                checkpointsDuringLoad = status.checkpoints
            }
            usleep(20_000)
        }
        let summary = try #require(run.summary, "no summary: \(run.lines.suffix(3))")
        #expect(summary.stored == 20_000)
        let file = (try? FileManager.default.attributesOfItem(atPath: daemon.storePath)[.size] as? NSNumber)?.intValue ?? 0
        #expect(file > 40 << 20, "the load wrote \(file >> 20) MiB only")
        // The bound the daemon keeps: a RESTART once 8 MiB of frames are in the WAL (counted by the
        // checkpoint thread, every 100 ms), a TRUNCATE once the file passes 32 MiB, and what a group
        // commit or two add before the check after them. Without both, 60 MB would stay in the WAL.
        print("steady load: the -wal file reached \(largestWAL >> 20) MiB")
        #expect(largestWAL < 40 << 20, "the WAL reached \(largestWAL >> 20) MiB")
        #expect(checkpointsDuringLoad >= 1)
    }
}
