import ExecLogModel
import ExecLogPricing
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
    let logger: Logger
    let counters: WriterCounters
    let stopRequested = Atomic<Bool>(false)
    let wakeup: WakeupSignal
    /// The endpoints actually bound (a `tcp://…:*` request resolved to its port), once `run()` has bound them.
    let boundEndpoints = Mutex<[String]>([])
    /// The clients CURVE endpoints accept; nil without a CURVE secret key.
    let allowList: ClientAllowList?
    /// What each event is priced with (docs/COST.md): replaced as a whole by `reloadPrices()`.
    let prices: Mutex<PriceBook>

    public init(configuration: WriterConfiguration, logger: Logger = Logger(label: "execlogd")) throws(WriterError) {
        guard !configuration.endpoints.isEmpty else { throw WriterError(.configuration, "no endpoint to listen on: give --listen") }
        do {
            try configuration.checkSecurity()
        } catch {
            throw WriterError(.configuration, error.description)
        }
        if configuration.curveSecretKey != nil, let folder = configuration.allowedClientKeysFolder {
            allowList = try ClientAllowList(folder: folder)
        } else {
            allowList = nil
        }
        do {
            prices = Mutex(try PriceBook.load(userFile: configuration.priceFile))
        } catch {
            throw WriterError(.configuration, "prices: \(error)")
        }
        self.configuration = configuration
        self.logger = logger
        self.counters = WriterCounters(configuration: configuration, version: Self.version)
        counters.update { [allowList] in $0.allowedKeys = allowList?.count ?? 0 }
        do {
            wakeup = try WakeupSignal()
        } catch {
            throw WriterError(.system, "cannot create a wakeup signal: \(error)")
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

    /// Reads the user's price file again (SIGHUP): events received from then on are priced with it. A
    /// file that does not load changes nothing: the last good prices stay, and one line says why.
    public func reloadPrices() {
        do {
            let book = try PriceBook.load(userFile: configuration.priceFile)
            prices.withLock { $0 = book }
            logger.info("prices reloaded", metadata: ["file": "\(book.user?.path ?? "none")", "entries": "\(book.user?.entries.count ?? 0)"])
        } catch {
            logger.error("prices not reloaded; the last good prices stay: \(error)")
        }
    }

    public var status: WriterStatus {
        var status = counters.snapshot
        status.endpoints = boundEndpoints.withLock { $0 }
        return status
    }

    /// The endpoints as bound (a `tcp://…:*` resolved to its port); empty until `run()` has bound them.
    public var endpoints: [String] { boundEndpoints.withLock { $0 } }

    /// Opens the store, binds, serves until `stop()`, then drains and returns. Blocks the calling thread.
    @available(*, noasync, message: "blocks: run the writer on a thread of its own")
    public func run(onReady: ([String]) -> Void = { _ in }) throws(WriterError) {
        let lock = try StoreLock(storePath: configuration.storePath)
        let (store, checkpointer) = try openStore()
        let context = ZMQContext()
        let listeners = try listen(context: context)
        let socket = listeners.socket
        boundEndpoints.withLock { $0 = listeners.bound }

        let queue = CommitQueue(commitEvents: configuration.commitEvents, commitInterval: configuration.commitInterval)
        let acksReady: WakeupSignal
        do { acksReady = try WakeupSignal() } catch { throw WriterError(.system, "cannot create a wakeup signal: \(error)") }
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
        logger.info("execlogd listening", metadata: ["endpoints": "\(listeners.bound)", "store": "\(configuration.storePath)"])
        onReady(listeners.bound)

        serve(
            socket: socket, queue: queue, commitLoop: commitLoop, zapHandler: listeners.zapHandler,
            handshakeMonitor: listeners.handshakeMonitor)

        // Shutdown: no more reading; the commit thread drains what was received; its acks go out.
        queue.stop()
        while commitThreadDone.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            sendAcks(socket: socket, commitLoop: commitLoop)
        }
        sendAcks(socket: socket, commitLoop: commitLoop)
        checkpointer.stop()
        listeners.handshakeMonitor?.stop()
        socket.close()
        listeners.zapHandler?.socket.close()
        withExtendedLifetime(lock) {}
        logger.info("execlogd stopped", metadata: ["stored": "\(counters.snapshot.stored)"])
        if commitLoop.abandonedEvents > 0 {
            throw WriterError(
                .uncommittedAtStop, "stopped with \(commitLoop.abandonedEvents) received events uncommitted (not acked: their emitters will resend them)")
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
            let batch = PendingBatch(
                routingID: routingID, batchID: id, events: events, limits: configuration.eventLimits,
                prices: prices.withLock { $0 })
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
        for (routingID, frames) in commitLoop.takeReplies() {
            // ROUTER drops a reply to a peer that went away; that emitter resends and gets a duplicate ack.
            _ = try? socket.send([routingID] + frames, dontWait: true)
        }
    }

    private func reply(_ message: WireMessage, to routingID: [UInt8], socket: ZMQSocket) {
        _ = try? socket.send([routingID] + message.frames, dontWait: true)
    }

}
