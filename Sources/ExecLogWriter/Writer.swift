import ExecLogModel
import ExecLogStore
import ExecLogWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The writer daemon's engine: receives batches on a ROUTER socket, validates every event, commits them
/// in groups and acks each batch only after its COMMIT returned.
///
/// Two threads, one job each: the socket thread (the caller of `run()`) owns the ZeroMQ socket and decodes
/// and validates events; the commit thread owns SQLite. On two cores, decoding and writing overlap.
public final class Writer: Sendable {
    public static let version = "0.1.0"

    public let configuration: WriterConfiguration
    private let logger: Logger
    private let counters: WriterCounters
    private let stopRequested = Atomic<Bool>(false)
    private let wakeup: WakeupSignal
    /// The endpoints actually bound (a `tcp://…:*` request resolved to its port), once `run()` has bound them.
    private let boundEndpoints = Mutex<[String]>([])

    public init(configuration: WriterConfiguration, logger: Logger = Logger(label: "execlogd")) throws(WriterError) {
        guard !configuration.endpoints.isEmpty else { throw WriterError("no endpoint to listen on: give --listen") }
        self.configuration = configuration
        self.logger = logger
        self.counters = WriterCounters(configuration: configuration, version: Self.version)
        do {
            wakeup = try WakeupSignal()
        } catch {
            throw WriterError("cannot create a wakeup signal: \(error)")
        }
    }

    /// Asks `run()` to stop reading, commit and ack what it holds, and return. Safe from any thread
    /// (a signal handler's queue included).
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        wakeup.signal()
    }

    public var status: WriterStatus {
        var status = counters.snapshot
        status.endpoints = boundEndpoints.withLock { $0 }
        return status
    }

    /// Blocks until the endpoints are bound (or `run()` failed), then returns them.
    public var endpoints: [String] { boundEndpoints.withLock { $0 } }

    /// Opens the store, binds, serves until `stop()`, then drains and returns. Blocks the calling thread.
    @available(*, noasync, message: "blocks: run the writer on a thread of its own")
    public func run(onReady: ([String]) -> Void = { _ in }) throws(WriterError) {
        let lock = try StoreLock(storePath: configuration.storePath)
        let store: ExecutionStore
        do {
            store = try ExecutionStore(path: configuration.storePath, mode: .create, synchronous: configuration.synchronous)
            let synchronous = try store.synchronousInEffect()
            counters.update { status in
                status.synchronous = synchronous?.rawValue ?? "unknown"
                status.walBytes = store.walFileBytes
            }
        } catch {
            throw WriterError("\(error)")
        }
        let context = ZMQContext()
        let socket: ZMQSocket
        var bound: [String] = []
        do {
            socket = try ZMQSocket(context: context, type: .router)
            // Acks still queued at close get this long to leave.
            try socket.setOption(.linger, value: 2_000)
            try socket.setOption(.maxMessageSize, value: Int64(configuration.maxMessageBytes))
            // Heartbeats: a dead emitter's pipe (and its queued acks) is reclaimed within seconds.
            try socket.setOption(.heartbeatInterval, value: 1_000)
            try socket.setOption(.heartbeatTimeout, value: 3_000)
            for endpoint in configuration.endpoints {
                try Self.prepareIPCEndpoint(endpoint)
                try socket.bind(endpoint)
                bound.append(try socket.lastEndpoint)
            }
        } catch let error as WriterError {
            throw error
        } catch {
            throw WriterError("cannot listen: \(error)")
        }
        boundEndpoints.withLock { $0 = bound }

        let queue = CommitQueue(commitEvents: configuration.commitEvents, commitInterval: configuration.commitInterval)
        let acksReady: WakeupSignal
        do { acksReady = try WakeupSignal() } catch { throw WriterError("cannot create a wakeup signal: \(error)") }
        let commitLoop = CommitLoop(
            store: store, queue: queue, counters: counters, configuration: configuration, acksReady: acksReady,
            logger: logger)
        let commitThreadDone = DispatchSemaphore(value: 0)
        let commitThread = Thread {
            commitLoop.run()
            commitThreadDone.signal()
        }
        commitThread.name = "execlogd-commit"
        commitThread.start()
        logger.info("execlogd listening", metadata: ["endpoints": "\(bound)", "store": "\(configuration.storePath)"])
        onReady(bound)

        serve(socket: socket, queue: queue, commitLoop: commitLoop)

        // Shutdown: no more reading; the commit thread drains what was received; its acks go out.
        queue.stop()
        while commitThreadDone.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            sendAcks(socket: socket, commitLoop: commitLoop)
        }
        sendAcks(socket: socket, commitLoop: commitLoop)
        socket.close()
        withExtendedLifetime(lock) {}
        logger.info("execlogd stopped", metadata: ["stored": "\(counters.snapshot.stored)"])
        if commitLoop.abandonedEvents.load(ordering: .relaxed) > 0 {
            throw WriterError(
                "stopped with \(commitLoop.abandonedEvents.load(ordering: .relaxed)) received events uncommitted (not acked: their emitters will resend them)")
        }
    }

    /// The socket loop: read while there is room in the commit queue, send acks as commits finish.
    private func serve(socket: ZMQSocket, queue: CommitQueue, commitLoop: CommitLoop) {
        while !stopRequested.load(ordering: .acquiring) {
            let reading = queue.depth < configuration.maxPendingEvents
            var items = [PollItem(wakeup), PollItem(commitLoop.acksReady)]
            if reading { items.append(PollItem(socket)) }
            do {
                _ = try Poller.poll(&items, timeoutMilliseconds: reading ? 1_000 : 10)
            } catch {
                logger.error("poll failed", metadata: ["error": "\(error)"])
                return
            }
            if items[0].isReadable { wakeup.drain() }
            if items[1].isReadable {
                commitLoop.acksReady.drain()
                sendAcks(socket: socket, commitLoop: commitLoop)
            }
            if reading, items.count > 2, items[2].isReadable {
                // A bounded burst, so that acks are never starved by a flood of input.
                for _ in 0..<64 {
                    guard queue.depth < configuration.maxPendingEvents,
                        let frames = try? socket.receive(dontWait: true)
                    else { break }
                    handle(frames, socket: socket, queue: queue)
                }
            }
            counters.update { $0.queueDepth = queue.depth }
        }
    }

    private func handle(_ frames: [[UInt8]], socket: ZMQSocket, queue: CommitQueue) {
        guard let routingID = frames.first else { return }
        let body = Array(frames.dropFirst())
        let message: WireMessage
        do {
            message = try WireMessage(frames: body)
        } catch {
            counters.update { $0.malformed += 1 }
            reply(WireMessage.error(batchID: error.batchID, message: error.message), to: routingID, socket: socket)
            return
        }
        switch message {
        case .batch(let id, let events):
            let batch = PendingBatch(routingID: routingID, batchID: id, events: events)
            counters.update { $0.received += events.count }
            queue.push(batch)
        case .report(let id, let report):
            // Through the commit queue like a batch: acked only after the COMMIT that stored it.
            queue.push(PendingBatch(routingID: routingID, reportID: id, report: report))
        case .status:
            var status = self.status
            status.queueDepth = queue.depth
            reply(.status(body: status.json), to: routingID, socket: socket)
        case .ack, .error:
            counters.update { $0.malformed += 1 }
            reply(.error(batchID: nil, message: "a writer accepts only batch, report and status"), to: routingID, socket: socket)
        }
    }

    private func sendAcks(socket: ZMQSocket, commitLoop: CommitLoop) {
        let acks = commitLoop.outbox.withLock { outbox in
            defer { outbox.removeAll() }
            return outbox
        }
        for (routingID, frames) in acks {
            // ROUTER drops a reply to a peer that went away; that emitter resends and gets a duplicate ack.
            _ = try? socket.send([routingID] + frames, dontWait: true)
        }
    }

    private func reply(_ message: WireMessage, to routingID: [UInt8], socket: ZMQSocket) {
        _ = try? socket.send([routingID] + message.frames, dontWait: true)
    }

    /// An ipc endpoint's folder is created when missing, readable only by the daemon's user and group.
    /// libzmq replaces an existing socket file without a word, so a live one is refused here: a second
    /// daemon must never silently take over the first one's socket.
    private static func prepareIPCEndpoint(_ endpoint: String) throws {
        guard endpoint.hasPrefix("ipc://") else { return }
        let path = String(endpoint.dropFirst("ipc://".count))
        if FileManager.default.fileExists(atPath: path), UnixSocket.isListening(path) {
            throw WriterError("another process is listening on \(endpoint)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return }
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
    }
}
