import ExecLogModel
import ExecLogStore
import ExecLogWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

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
    /// The clients CURVE endpoints accept; nil without a CURVE secret key.
    private let allowList: ClientAllowList?

    public init(configuration: WriterConfiguration, logger: Logger = Logger(label: "execlogd")) throws(WriterError) {
        guard !configuration.endpoints.isEmpty else { throw WriterError("no endpoint to listen on: give --listen") }
        if let plain = configuration.endpoints.first(where: { $0.hasPrefix("tcp://") }),
            configuration.curveSecretKey == nil, !configuration.insecureTCP
        {
            throw WriterError(
                "\(plain) would accept anyone, unencrypted: give --curve-secret-key-file and --curve-allowed-keys (docs/SECURITY.md), or --insecure to accept that")
        }
        if configuration.curveSecretKey != nil {
            guard let folder = configuration.allowedClientKeysFolder else {
                throw WriterError("a CURVE secret key needs --curve-allowed-keys, the folder of the clients' public keys")
            }
            allowList = try ClientAllowList(folder: folder)
        } else {
            allowList = nil
        }
        self.configuration = configuration
        self.logger = logger
        self.counters = WriterCounters(configuration: configuration, version: Self.version)
        counters.update { [allowList] in $0.allowedKeys = allowList?.count ?? 0 }
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

    /// Reads the allowed client keys folder again (SIGHUP) and logs how many keys it holds. Safe from
    /// any thread: connections already accepted stay; new ones are checked against the new list.
    public func reloadAllowedClientKeys() {
        guard let allowList else {
            logger.notice("reload requested: no CURVE allow-list to reload (no --curve-secret-key-file)")
            return
        }
        do {
            let reading = try allowList.reload()
            for reason in reading.skipped { logger.warning("allowed client key skipped: \(reason)") }
            counters.update { $0.allowedKeys = reading.keys }
            logger.info("allowed client keys reloaded", metadata: ["keys": "\(reading.keys)", "folder": "\(allowList.folder)"])
        } catch {
            logger.error("allowed client keys not reloaded; the previous list stays", metadata: ["error": "\(error)"])
        }
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
        try Self.createStoreFile(configuration.storePath)
        let store: ExecutionStore
        let checkpointer: Checkpointer
        do {
            store = try ExecutionStore(path: configuration.storePath, mode: .create, synchronous: configuration.synchronous)
            // Checkpoints run on the checkpointer's thread, never in a COMMIT of the commit thread.
            try store.setAutomaticCheckpointPages(0)
            checkpointer = try Checkpointer(
                storePath: configuration.storePath, synchronous: configuration.synchronous, counters: counters,
                logger: logger)
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
        let zapHandler: ZAPHandler?
        let handshakeMonitor: SocketMonitor?
        var bound: [String] = []
        do {
            // The ZAP handler is bound first: a CURVE endpoint without one would accept any client.
            if let allowList, configuration.endpoints.contains(where: configuration.usesCurve) {
                zapHandler = try ZAPHandler(context: context, allowList: allowList)
            } else {
                zapHandler = nil
            }
            socket = try ZMQSocket(context: context, type: .router)
            // Failed handshakes (no CURVE, a wrong server key, a key the ZAP handler refused) are counted from these events.
            handshakeMonitor = zapHandler == nil ? nil : try SocketMonitor(
                monitoring: socket, events: [.handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail])
            // Acks still queued at close get this long to leave.
            try socket.setOption(.linger, value: 2_000)
            try socket.setOption(.maxMessageSize, value: Int64(configuration.maxMessageBytes))
            // Heartbeats: a dead emitter's pipe (and its queued acks) is reclaimed within seconds.
            try socket.setOption(.heartbeatInterval, value: 1_000)
            try socket.setOption(.heartbeatTimeout, value: 3_000)
            let groupID = try configuration.socketGroup.map(Self.groupID)
            // libzmq copies the socket's options into each listener at bind: plain endpoints are bound
            // first, then CURVE is switched on for the rest.
            let plain = configuration.endpoints.filter { !configuration.usesCurve($0) }
            let curve = configuration.endpoints.filter(configuration.usesCurve)
            for endpoint in plain {
                try Self.prepareIPCEndpoint(endpoint, groupID: groupID)
                try socket.bind(endpoint)
                try Self.openIPCSocketToGroup(endpoint, groupID: groupID)
                bound.append(try socket.lastEndpoint)
                if endpoint.hasPrefix("tcp://") {
                    logger.warning(
                        "tcp endpoint without CURVE (--insecure): traffic is unencrypted and anyone who reaches the port can write to the store",
                        metadata: ["endpoint": "\(bound.last ?? endpoint)"])
                }
            }
            if let secretKey = configuration.curveSecretKey, !curve.isEmpty {
                try socket.setOption(.curveServer, value: true)
                try socket.setOption(.curveSecretKey, value: secretKey)
                // A non-empty domain makes libzmq consult the ZAP handler for every connection.
                try socket.setOption(.zapDomain, value: ZAPHandler.domain)
                for endpoint in curve {
                    try socket.bind(endpoint)
                    bound.append(try socket.lastEndpoint)
                }
                logger.info(
                    "CURVE on tcp endpoints; clients allowed by key",
                    metadata: ["keys": "\(allowList?.count ?? 0)", "folder": "\(configuration.allowedClientKeysFolder ?? "")"])
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
            store: store, queue: queue, checkpointer: checkpointer, counters: counters, configuration: configuration,
            acksReady: acksReady, logger: logger)
        let commitThreadDone = DispatchSemaphore(value: 0)
        let commitThread = Thread {
            commitLoop.run()
            commitThreadDone.signal()
        }
        commitThread.name = "execlogd-commit"
        commitThread.start()
        checkpointer.start()
        logger.info("execlogd listening", metadata: ["endpoints": "\(bound)", "store": "\(configuration.storePath)"])
        onReady(bound)

        serve(socket: socket, queue: queue, commitLoop: commitLoop, zapHandler: zapHandler, handshakeMonitor: handshakeMonitor)

        // Shutdown: no more reading; the commit thread drains what was received; its acks go out.
        queue.stop()
        while commitThreadDone.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            sendAcks(socket: socket, commitLoop: commitLoop)
        }
        sendAcks(socket: socket, commitLoop: commitLoop)
        checkpointer.stop()
        handshakeMonitor?.stop()
        socket.close()
        zapHandler?.socket.close()
        withExtendedLifetime(lock) {}
        logger.info("execlogd stopped", metadata: ["stored": "\(counters.snapshot.stored)"])
        if commitLoop.abandonedEvents.load(ordering: .relaxed) > 0 {
            throw WriterError(
                "stopped with \(commitLoop.abandonedEvents.load(ordering: .relaxed)) received events uncommitted (not acked: their emitters will resend them)")
        }
    }

    /// The socket loop: read while there is room in the commit queue, send acks as commits finish.
    private func serve(
        socket: ZMQSocket, queue: CommitQueue, commitLoop: CommitLoop, zapHandler: ZAPHandler?, handshakeMonitor: SocketMonitor?
    ) {
        // One log per kind, so that a client retrying without CURVE cannot hide a refused key.
        var denials = RateLimitedLog(countKey: "refused_since_last_log")
        var failedHandshakes = RateLimitedLog(countKey: "refused_since_last_log")
        while !stopRequested.load(ordering: .acquiring) {
            let reading = queue.depth < configuration.maxPendingEvents
            var items = [PollItem(wakeup), PollItem(commitLoop.acksReady)]
            // ZAP requests are answered even while reading is paused: a handshake must not wait for the store.
            let zapIndex = zapHandler.map { handler in
                items.append(PollItem(handler.socket))
                return items.count - 1
            }
            let monitorIndex = handshakeMonitor.map { monitor in
                items.append(PollItem(monitor.socket))
                return items.count - 1
            }
            let socketIndex = items.count
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
            if let zapHandler, let zapIndex, items[zapIndex].isReadable {
                answerZAP(zapHandler, refusals: &denials)
            }
            if let handshakeMonitor, let monitorIndex, items[monitorIndex].isReadable {
                countFailedHandshakes(handshakeMonitor, refusals: &failedHandshakes)
            }
            if reading, items.count > socketIndex, items[socketIndex].isReadable {
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

    private func answerZAP(_ handler: ZAPHandler, refusals: inout RateLimitedLog) {
        do {
            for decision in try handler.answerPending() where !decision.allowed {
                // Counted in auth_failures from the monitor's handshake-failed event; logged here, with the key.
                refusals.log(
                    .warning, "connection refused: \(decision.clientKey.isEmpty ? "not a CURVE client" : "client key not in the allow-list")",
                    metadata: ["client_key": "\(decision.clientKey)", "address": "\(decision.address)"], to: logger)
            }
        } catch {
            logger.error("ZAP handler failed", metadata: ["error": "\(error)"])
        }
    }

    private func countFailedHandshakes(_ monitor: SocketMonitor, refusals: inout RateLimitedLog) {
        guard let events = try? monitor.drain() else { return }
        let failures = events.filter { $0.event != .monitorStopped && WireEndpoint.ipcPath($0.endpoint) == nil }
        guard !failures.isEmpty else { return }
        counters.update { $0.authFailures += failures.count }
        for failure in failures where failure.event != .handshakeFailedAuth {
            // Denials were logged by the ZAP handler; these never reached it (no CURVE, a wrong server key).
            refusals.log(
                .warning, "connection refused: CURVE handshake failed (no CURVE, or the client has a wrong server key)",
                metadata: ["endpoint": "\(failure.endpoint)", "zmq_protocol_error": "0x\(String(failure.value, radix: 16))"],
                to: logger)
        }
    }

    private func handle(_ frames: [[UInt8]], socket: ZMQSocket, queue: CommitQueue) {
        guard let routingID = frames.first else { return }
        let body = Array(frames.dropFirst())
        let message: WireMessage
        do {
            message = try WireMessage(frames: body, maxBatchEvents: configuration.maxBatchEvents)
        } catch {
            counters.update { $0.malformed += 1 }
            reply(WireMessage.error(batchID: error.batchID, message: error.message), to: routingID, socket: socket)
            return
        }
        switch message {
        case .batch(let id, let events):
            let batch = PendingBatch(routingID: routingID, batchID: id, events: events, limits: configuration.eventLimits)
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

    /// An ipc endpoint's folder is created when missing, usable only by the daemon's user and group
    /// (`--socket-group` when given). libzmq replaces an existing socket file without a word, so a live
    /// one is refused here: a second daemon must never silently take over the first one's socket.
    private static func prepareIPCEndpoint(_ endpoint: String, groupID: gid_t?) throws {
        guard let path = WireEndpoint.ipcPath(endpoint) else { return }
        if FileManager.default.fileExists(atPath: path), UnixSocket.isListening(path) {
            throw WriterError("another process is listening on \(endpoint)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return }
        do {
            try PrivateFolder.create(folder, mode: ExecutionStore.folderPermissions, group: groupID)
        } catch {
            throw WriterError(error.description)
        }
    }

    /// The socket file: read-write for the daemon's user and group (connecting needs write permission),
    /// nothing for others; the folder's mode is what keeps others out when it was not created here.
    private static func openIPCSocketToGroup(_ endpoint: String, groupID: gid_t?) throws {
        guard let path = WireEndpoint.ipcPath(endpoint) else { return }
        guard chmod(path, 0o660) == 0, groupID.map({ chown(path, uid_t.max, $0) == 0 }) ?? true else {
            throw WriterError("cannot set the mode or group of \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func groupID(_ name: String) throws(WriterError) -> gid_t {
        guard let group = getgrnam(name) else { throw WriterError("socket-group: no group named \(name.debugDescription)") }
        return group.pointee.gr_gid
    }

    /// A new store file is created 0640 here, before SQLite opens it (its -wal and -shm files take the
    /// same mode): prompts and responses are for the daemon's user and group only.
    private static func createStoreFile(_ path: String) throws(WriterError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            if errno == EEXIST { return }
            throw WriterError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o640) == 0 else {
            throw WriterError("cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
    }
}
