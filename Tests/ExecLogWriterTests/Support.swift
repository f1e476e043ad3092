import ExecLogModel
import ExecLogTestSupport
import ExecLogWire
import Foundation
import Testing
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

/// A real `execlogd` process on a store in a temp folder, killed when the value goes away.
final class Daemon {
    let process = Process()
    let folder: TemporaryFolder
    let storePath: String
    let ipcEndpoint: String
    let logPath: String

    init(folder: TemporaryFolder, extraArguments: [String] = [], store: String = "store.db") throws {
        self.folder = folder
        storePath = folder.path(store)
        ipcEndpoint = "ipc://" + folder.path("w.sock")
        logPath = folder.path("execlogd-\(UUID().uuidString.prefix(4)).log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = try Products.url("execlogd")
        process.arguments = ["--listen", ipcEndpoint, "--db", storePath] + extraArguments
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// Waits until the daemon answers `status` (it has bound and opened the store).
    @discardableResult
    func waitUntilReady(timeout: TimeInterval = 15) throws -> WriterStatus {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw DaemonFailure("execlogd exited (\(process.terminationStatus)): \(log)")
            }
            if let status = try? RawClient(endpoint: ipcEndpoint).status(timeout: 0.3) { return status }
        }
        throw DaemonFailure("execlogd did not answer within \(timeout) s: \(log)")
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit; returns its status, or nil on timeout.
    func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
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

    init(endpoint: String) throws {
        socket = try ZMQSocket(context: context, type: .dealer)
        try socket.setOption(.linger, value: 0)
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
