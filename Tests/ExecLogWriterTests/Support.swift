import ExecLogModel
import ExecLogTestSupport
import ExecLogWire
import ExecLogWriter
import Foundation
import GRDB
import Synchronization
import Testing
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

/// A real `execlogd` process on a store in a temp folder, killed when the value goes away.
final class Daemon {
    let process: ChildProcess
    let folder: TemporaryFolder
    let storePath: String
    let ipcEndpoint: String

    init(folder: TemporaryFolder, extraArguments: [String] = [], store: String = "store.db") throws {
        self.folder = folder
        storePath = folder.path(store)
        ipcEndpoint = "ipc://" + folder.path("w.sock")
        process = try ChildProcess(product: "execlogd", ["--listen", ipcEndpoint, "--db", storePath] + extraArguments)
    }

    /// Waits until the daemon answers `status` (it has bound and opened the store); fails with its log
    /// when it exits first or does not answer in time.
    @discardableResult
    func waitUntilReady(timeout: TimeInterval = 15) throws -> WriterStatus {
        let answer = Poll.until(timeout: timeout) { () -> WriterStatus?? in
            guard process.isRunning else { return .some(nil) }
            return (try? RawClient(endpoint: ipcEndpoint).status(timeout: 0.3)).map { $0 }
        }
        guard let status = answer ?? nil else {
            if !process.isRunning {
                throw DaemonFailure("execlogd exited (\(process.waitForExit(timeout: 5).map(String.init) ?? "?")): \(log)")
            }
            throw DaemonFailure("execlogd did not answer within \(timeout) s: \(log)")
        }
        return status
    }

    /// Its log lines so far (stdout and stderr).
    var log: String { process.stdout + process.stderr }

    func signal(_ number: Int32) { process.signal(number) }

    /// Waits for the process to exit; returns its status, or nil on timeout (it is then killed).
    func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        process.waitForExit(timeout: timeout)
    }
}

/// A ``Writer`` run in this process on a thread of its own, started and ready, or the reason it could
/// not start: a writer that fails to start fails the test with its error, never a silent hang.
final class InProcessWriter {
    let writer: Writer
    private let finished = DispatchSemaphore(value: 0)

    init(_ configuration: WriterConfiguration, timeout: TimeInterval = 15) throws {
        writer = try Writer(configuration: configuration)
        let ready = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        let thread = Thread { [writer, finished] in
            do {
                try writer.run { _ in ready.signal() }
            } catch {
                failure.withLock { $0 = "\(error)" }
                ready.signal()
            }
            finished.signal()
        }
        thread.name = "test-writer"
        thread.start()
        guard ready.wait(timeout: .now() + timeout) == .success else {
            stop()
            throw DaemonFailure("the writer did not start within \(timeout) s")
        }
        if let error = failure.withLock({ $0 }) { throw DaemonFailure("the writer did not start: \(error)") }
    }

    /// Stops the writer and waits for its thread.
    func stop() {
        writer.stop()
        _ = finished.wait(timeout: .now() + 30)
    }
}

struct DaemonFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A protocol client on a raw DEALER socket: sends whatever frames a test wants, good or bad.
final class RawClient {
    let context = ZMQContext()
    let socket: ZMQSocket

    /// `curve`: the writer's public key and this client's key pair, for a CURVE endpoint.
    init(endpoint: String, curve: (server: String, client: (publicKey: String, secretKey: String))? = nil) throws {
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setOption(.linger, value: 0)
        if let curve {
            try socket.setOption(.curveServerKey, value: curve.server)
            try socket.setOption(.curvePublicKey, value: curve.client.publicKey)
            try socket.setOption(.curveSecretKey, value: curve.client.secretKey)
        }
        try socket.connect(endpoint)
    }

    func send(_ frames: [[UInt8]]) throws {
        _ = try socket.send(frames)
    }

    /// The next reply, or nil after `timeout` seconds.
    func receive(timeout: TimeInterval = 10) throws -> WireMessage? {
        var items = [PollItem(socket)]
        guard try Poller.poll(&items, timeoutMilliseconds: Int(timeout * 1000)) > 0,
            let frames = try socket.receive(dontWait: true)
        else { return nil }
        return try WireMessage(frames: frames)
    }

    func status(timeout: TimeInterval = 5) throws -> WriterStatus? {
        try send(WireMessage.status(body: []).frames)
        guard case .status(let body)? = try receive(timeout: timeout) else { return nil }
        return WriterStatus(json: body)
    }

    /// Sends one batch and waits for its ack.
    func sendBatch(_ id: String, _ events: [[UInt8]], timeout: TimeInterval = 10) throws -> Ack? {
        try send(WireMessage.batch(id: id, events: events).frames)
        guard case .ack(let batchID, let ack)? = try receive(timeout: timeout) else { return nil }
        #expect(batchID == id)
        return ack
    }

    deinit { socket.close() }
}

extension Execution {
    var eventBytes: [UInt8] { Array(jsonData()) }
}

/// `execlog-loadgen` run as a child process, its output collected as it comes (progress lines are
/// read while it runs); killed when the value goes away.
final class LoadgenRun {
    let process: ChildProcess

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = try ChildProcess(product: "execlog-loadgen", arguments, environment: environment)
    }

    var lines: [String] { process.stdoutLines }

    /// The final summary (`--json`), once the process has printed it.
    var summary: EmitSummary? {
        guard let line = lines.last(where: { $0.hasPrefix("{\"emitted\"") }) else { return nil }
        return try? JSONDecoder().decode(EmitSummary.self, from: Data(line.utf8))
    }

    /// `--progress-interval` lines so far.
    var progress: [EmitProgress] {
        lines.filter { $0.hasPrefix("{\"at\"") }.compactMap { try? JSONDecoder().decode(EmitProgress.self, from: Data($0.utf8)) }
    }

    /// Waits for the process to exit and its output to end; its status, or nil on timeout.
    func waitForExit(timeout: TimeInterval) -> Int32? {
        process.waitForExit(timeout: timeout)
    }
}

/// The JSON summary `execlog-loadgen emit --json` prints last.
struct EmitSummary: Decodable {
    var emitted: Int
    var acked: Int
    var stored: Int
    var duplicates: Int
    var rejected: Int
    var dropped: Int
    var spooled: Int
    var replayed: Int
    var seconds: Double
}

/// One `--progress-interval` line of `execlog-loadgen emit`.
struct EmitProgress: Decodable {
    var at: Double
    var records: Int
    var recordP50: Double
    var recordP99: Double
    var recordMax: Double
    var rssBytes: Int
    var bufferedBytes: Int
    var recorded: Int
    var acked: Int
    var spooled: Int
    var dropped: Int

    enum CodingKeys: String, CodingKey {
        case at, records, recorded, acked, spooled, dropped
        case recordP50 = "record_p50_us", recordP99 = "record_p99_us", recordMax = "record_max_us"
        case rssBytes = "rss_bytes", bufferedBytes = "buffered_bytes"
    }
}

/// What a store holds, read through a read-only connection.
struct StoreContents {
    var rows: Int
    var distinct: Int
    var ids: Set<String>
    var integrity: String

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        (rows, distinct, ids, integrity) = try DatabaseQueue(path: path, configuration: configuration).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions")!,
             try Int.fetchOne(db, sql: "SELECT count(DISTINCT id) FROM ai_executions")!,
             Set(try String.fetchAll(db, sql: "SELECT id FROM ai_executions")),
             try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; "))
        }
    }
}

/// The ids an `--ids-out` file lists.
func emittedIDs(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
}

/// Spool segment files under a folder and its subfolders.
func spoolSegments(under folder: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder)
    return (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".spool") }
}
