import ExecLogModel
import ExecLogWire
import Foundation
import Logging
import ZeroMQ

/// The one background thread of an ``ExecutionLogger``: it owns the DEALER socket and does all the
/// libzmq work, JSON encoding and batching, so recording threads never do.
///
/// Each turn of its loop: take what was recorded, encode it, read the writer's replies, resend
/// batches whose ack is overdue, send the batches that are due, publish counters, then sleep in
/// `zmq_poll` until a reply, a wakeup from `record`/`flush`/`shutdown`, or the next deadline.
///
/// With a spool it also does all the spool's I/O: it writes the executions `record` put in the
/// overflow (past the memory bound), takes spooled events back while memory allows and the socket
/// is not refusing sends (so after a reconnection, and at startup for what an earlier process
/// left), tells the spool which of them were acked, and at shutdown spools what is unacked
/// (``SenderSpool``). Its counters (`snapshot`) are its own: it publishes them to the ``SendQueue``,
/// which never writes them. The socket and the sleep are in Sender+Socket, replies in Sender+Replies.
final class Sender {
    typealias Instant = ContinuousClock.Instant

    let configuration: ExecutionLoggerConfiguration
    let queue: SendQueue
    let wakeup: WakeupSignal
    let logger: Logger
    var batches: InFlightBatches
    /// Nil when the policy keeps everything as it is.
    let contentFilter: ContentFilter?
    var snapshot = SendQueue.SenderSnapshot()
    /// Accounted bytes settled since the last publish, handed back to the queue's bound.
    var settledBytes = 0
    /// Heap let go of since the last `malloc_trim` (see `trimFreedMemory`), and when that was.
    var freedSinceTrim = 0
    var lastTrim: Instant?
    var heldAtLastTrim = 0
    var intake: [SendQueue.Entry] = []
    var overflowIntake: [SendQueue.Entry] = []
    /// Where each event is encoded before it is copied out (see `encode`).
    var encodeBuffer: [UInt8] = []
    /// Last time a take found records: for `tickingLinger` after it the sender ticks (see `sleep`).
    var lastRecordsAt: Instant?
    /// Nil without a spool (none configured, or its folder could not be used).
    var spool: SenderSpool?
    /// Highest record sequence taken so far: events taken from the spool get it, which keeps
    /// `InFlightBatches`' sequences in order (and only makes `flush` wait for them too).
    var lastSequenceSeen: UInt64 = 0
    /// The socket refused the last batch (no writer connected, or its pipe is full): wait until
    /// it is writable rather than retrying in a loop.
    var blockedOnSend = false
    var reportedDroppedFull = 0
    var dropLog = RateLimitedLog()
    var resendLog = RateLimitedLog()
    var replyLog = RateLimitedLog()
    var socketLog = RateLimitedLog()
    /// Tells the writer what was dropped, so drops show in its store and status (docs/PROTOCOL.md).
    var dropReporter: DropReporter

    /// Starts the thread. Everything it captures is `Sendable`; the socket is made on the thread.
    static func start(
        configuration: ExecutionLoggerConfiguration,
        queue: SendQueue,
        wakeup: WakeupSignal,
        idPrefix: String,
        spool: Spool?,
        logger: Logger
    ) {
        let thread = Thread {
            Sender(
                configuration: configuration, queue: queue, wakeup: wakeup, idPrefix: idPrefix, spool: spool,
                logger: logger
            )
            .run()
        }
        thread.name = "execlog-sender"
        thread.start()
    }

    private init(
        configuration: ExecutionLoggerConfiguration,
        queue: SendQueue,
        wakeup: WakeupSignal,
        idPrefix: String,
        spool: Spool?,
        logger: Logger
    ) {
        self.spool = spool.map { SenderSpool($0, maxQueueBytes: configuration.maxQueueBytes, logger: logger) }
        self.configuration = configuration
        do {
            let filter = try ContentFilter(configuration.contentPolicy)
            contentFilter = filter.isIdentity ? nil : filter
        } catch {
            // Never send what the operator wanted kept in: without a usable policy, keep no content.
            logger.error(
                "execlog: invalid content policy; sending metadata only", metadata: ["error": "\(error)"])
            contentFilter = try? ContentFilter(ContentPolicy(capture: .metadataOnly))
        }
        self.queue = queue
        self.wakeup = wakeup
        self.logger = logger
        self.batches = InFlightBatches(
            limits: .init(
                maxEvents: configuration.maxBatchEvents,
                maxBytes: configuration.maxBatchBytes,
                interval: configuration.batchInterval,
                ackTimeout: configuration.ackTimeout,
                maxInFlight: configuration.maxInFlightBatches),
            idPrefix: idPrefix)
        self.dropReporter = DropReporter(ackTimeout: configuration.ackTimeout)
    }

    func run() {
        // The context too is made here: no libzmq call ever runs on a caller's thread.
        let context = ZMQContext()
        let socket: ZMQSocket
        do {
            socket = try makeSocket(context)
        } catch {
            logger.error(
                "execlog: cannot connect to the writer; executions will be dropped",
                metadata: ["endpoint": "\(configuration.endpoint)", "error": "\(error)"])
            finish()
            return
        }
        // Without the monitor, batches lost with a connection are resent after ackTimeout only.
        let connection = try? ConnectionMonitor(socket: socket)
        var items = [PollItem(socket), PollItem(wakeup)]
        if let connection { items.append(connection.pollItem) }
        while true {
            let request = queue.take(into: &intake, overflow: &overflowIntake)
            if !intake.isEmpty || !overflowIntake.isEmpty { lastRecordsAt = .now }
            if !intake.isEmpty { encodeIntake(queuedSince: request.queuedSince) }
            if !overflowIntake.isEmpty { spoolOverflow() }
            warnAboutDrops(request.droppedFull)
            dropReporter.observe(dropTotals(request))
            // Shutting down: send everything now, full batches or not.
            let flushThrough = request.stopDeadline != nil ? UInt64.max : request.flushThrough
            do {
                try receiveReplies(socket)
                let now = ContinuousClock.now
                if let connection, connection.reconnected() { resendAfterReconnect() }
                resendOverdue(now: now)
                if let stop = request.stopDeadline,
                    (batches.isEmpty && !dropReporter.hasWork) || now >= stop - spoolMargin
                { break }
                if request.stopDeadline == nil, !blockedOnSend { replayFromSpool(now: now) }
                try sendDue(socket, now: now, flushThrough: flushThrough)
                try sendDropReport(socket, now: now, stopping: request.stopDeadline != nil)
                publish()
                try sleep(&items, request: request, flushThrough: flushThrough)
            } catch let error as ZMQError where error.isContextTerminated || error.code == ENOTSOCK {
                logger.error("execlog: socket closed unexpectedly", metadata: ["error": "\(error)"])
                break
            } catch {
                // Not expected from a DEALER with non-blocking sends; pause so it cannot spin.
                socketLog.log(.error, "execlog: socket error", metadata: ["error": "\(error)"], to: logger)
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        connection?.stop()
        socket.close()
        finish()
    }

    // MARK: - The loop's steps

    /// `queuedSince`: when the first of them was recorded, so that a batch waits `batchInterval`
    /// from its first record, as if the sender had taken it at once.
    func encodeIntake(queuedSince: Instant?) {
        let now = ContinuousClock.now
        let enqueuedAt = min(queuedSince ?? now, now)
        lastSequenceSeen = max(lastSequenceSeen, intake.last?.sequence ?? 0)
        for index in intake.indices {
            // Each execution is freed once encoded, not with the whole intake after the loop: a
            // burst of thousands would otherwise be held twice, as values and as JSON.
            let entry = intake[index]
            intake[index].execution = Self.released
            let json = encode(entry.execution)
            guard json.count <= configuration.maxEventBytes else {
                rejectOversized(entry, jsonBytes: json.count)
                continue
            }
            // The bound now counts the bytes it holds instead of the values it freed: the difference
            // goes back to the queue with the next publish (more, if the JSON outweighs the estimate).
            let memory = HeapSize.encodedEvent(jsonBytes: json.count)
            settledBytes += entry.bytes - memory
            freedSinceTrim += entry.bytes
            batches.enqueue(.init(sequence: entry.sequence, json: json, accountedBytes: memory, enqueuedAt: enqueuedAt))
        }
        intake.removeAll(keepingCapacity: true)
        releaseIntakeCapacity()
    }

    /// What an encoded execution's slot holds until the intake is emptied: nothing on the heap.
    private static let released = Execution(usageType: "", provider: "", modelName: "")

    /// After a burst that outgrew the usual batch many times over (a writer away, a slow start), the
    /// arrays the queue and the sender swap keep their capacity: a slot is an `Execution` inline,
    /// hundreds of bytes. Give back what is far above a batch's worth.
    func releaseIntakeCapacity() {
        if intake.capacity > 4 * configuration.maxBatchEvents { intake = [] }
    }

    /// The event's JSON as the content policy lets it leave the process (to the socket or the spool).
    /// Encoded into `encodeBuffer`, whose capacity stays, then copied out at its exact size: one
    /// allocation per event, and no growing of an array guessed too small.
    func encode(_ execution: Execution) -> [UInt8] {
        encodeBuffer.removeAll(keepingCapacity: true)
        if let contentFilter {
            var execution = execution
            var redactions = 0  // a local: `snapshot` is a property of a class, checked at each access
            contentFilter.apply(to: &execution, redactions: &redactions)
            snapshot.redactions += redactions
            execution.appendWireJSON(to: &encodeBuffer)
        } else {
            execution.appendWireJSON(to: &encodeBuffer)
        }
        return encodeBuffer.exactCopy()
    }

    /// An event the writer's frame limit would refuse (by dropping the connection, unanswered, again
    /// at every resend) is settled here as rejected, loudly, instead of poisoning the connection.
    func rejectOversized(_ entry: SendQueue.Entry, jsonBytes: Int) {
        snapshot.acked += 1
        snapshot.rejected += 1
        settledBytes += entry.bytes
        logger.error(
            "execlog: execution larger than maxEventBytes; rejected, not sent",
            metadata: [
                "id": "\(entry.execution.idString)", "bytes": "\(jsonBytes)",
                "max_event_bytes": "\(configuration.maxEventBytes)",
            ])
    }

    /// A new connection to the writer: what was in flight on the old one may be lost, so resend it now
    /// rather than after ackTimeout (the writer counts what it had already committed as duplicates).
    func resendAfterReconnect() {
        dropReporter.connectionRestored()
        let ids = batches.resendAllNow()
        guard !ids.isEmpty else { return }
        logger.info(
            "execlog: reconnected to the writer; resending unacknowledged batches now",
            metadata: ["endpoint": "\(configuration.endpoint)", "batches": "\(ids.count)"])
    }

    func resendOverdue(now: Instant) {
        dropReporter.expireTimeout(now: now)
        let overdue = batches.expireTimeouts(now: now)
        if !overdue.isEmpty {
            resendLog.log(
                .warning, "execlog: no ack from the writer in time; resending",
                metadata: [
                    "endpoint": "\(configuration.endpoint)", "batches": "\(overdue.count)",
                    "ack_timeout": "\(configuration.ackTimeout)",
                ], to: logger)
        }
    }

    func sendDue(_ socket: ZMQSocket, now: Instant, flushThrough: UInt64?) throws {
        blockedOnSend = false
        while let outgoing = batches.nextToSend(now: now, flushThrough: flushThrough) {
            let frames = WireMessage.batch(id: outgoing.id, events: outgoing.events).frames
            guard try socket.send(frames, dontWait: true) else {
                blockedOnSend = true
                return
            }
            batches.didSend(outgoing.id, at: now)
            if outgoing.isResend { snapshot.batchesResent += 1 } else { snapshot.batchesSent += 1 }
        }
    }

    func publish() {
        snapshot.queued = batches.queuedEvents
        snapshot.inFlight = batches.inFlightEvents
        snapshot.lowestSequence = [batches.lowestSequence, spool?.spool.lowestOwnSequence].compactMap { $0 }.min()
        snapshot.spoolBytes = spool?.spool.totalBytes ?? 0
        let held = queue.publish(snapshot, settledBytes: settledBytes)
        settledBytes = 0
        trimFreedMemory(held: held, now: .now)
    }

    func warnAboutDrops(_ droppedFull: Int) {
        guard droppedFull > reportedDroppedFull,
            dropLog.log(
                .warning, "execlog: queue full, executions dropped; is the writer running?",
                metadata: [
                    "dropped": "\(droppedFull - reportedDroppedFull)", "dropped_total": "\(droppedFull)",
                    "max_queue_bytes": "\(configuration.maxQueueBytes)", "endpoint": "\(configuration.endpoint)",
                ], to: logger)
        else { return }
        reportedDroppedFull = droppedFull
    }

    /// Drops whatever is still unacknowledged (or spools it) and wakes the tasks waiting for the
    /// shutdown.
    func finish() {
        if spool != nil {
            finishSpooling()
            return
        }
        let lost = batches.removeAll()
        settledBytes += lost.accountedBytes
        snapshot.queued = 0
        snapshot.inFlight = 0
        snapshot.lowestSequence = nil
        let (droppedAtStop, droppedFull) = queue.finish(
            snapshot, settledBytes: settledBytes, lost: (lost.events, lost.lowestSequence))
        settledBytes = 0
        if droppedAtStop > 0 {
            logger.warning(
                "execlog: shut down with executions the writer did not acknowledge; dropped",
                metadata: ["dropped": "\(droppedAtStop)", "endpoint": "\(configuration.endpoint)"])
        }
        if droppedFull > reportedDroppedFull {
            logger.warning(
                "execlog: executions were dropped because the queue was full",
                metadata: ["dropped_total": "\(droppedFull)", "max_queue_bytes": "\(configuration.maxQueueBytes)"])
        }
    }

    // MARK: - Spool

    /// How long the sender keeps ticking after the last record. A worker records once per model
    /// call, seconds apart: with 10 s, one recording at least that often never signals the sender,
    /// for 1 / batchInterval short idle turns a second (50 by default) while it is in use.
    static let tickingLinger = Duration.seconds(10)

    /// With a spool, the loop stops delivering this long before the stop deadline.
    var spoolMargin: Duration {
        guard spool != nil else { return .zero }
        return SenderSpool.margin(heldEvents: batches.queuedEvents + batches.inFlightEvents)
    }

    /// Writes the overflow (executions past the memory bound) to the spool.
    func spoolOverflow() {
        lastSequenceSeen = max(lastSequenceSeen, overflowIntake.last?.sequence ?? 0)
        for entry in overflowIntake {
            let json = encode(entry.execution)
            if json.count > configuration.maxEventBytes {
                rejectOversized(entry, jsonBytes: json.count)
            } else if spool?.append(json, sequence: entry.sequence, counters: &snapshot) == nil {
                snapshot.droppedSpoolFull += 1
            }
        }
        overflowIntake.removeAll(keepingCapacity: true)
        spool?.endOfBurst(counters: snapshot)
    }

    func replayFromSpool(now: Instant) {
        spool?.replay(into: &batches, sequence: lastSequenceSeen, now: now, queue: queue, counters: &snapshot)
    }

    /// Shutdown with a spool: what is unacked goes to the spool instead of being dropped.
    func finishSpooling() {
        guard spool != nil else { return }
        // Normally nothing: the queue closed before the loop's last take.
        let request = queue.take(into: &intake, overflow: &overflowIntake)
        if !intake.isEmpty { encodeIntake(queuedSince: request.queuedSince) }
        if !overflowIntake.isEmpty { spoolOverflow() }
        let unacked = batches.removeAllEvents()
        settledBytes += unacked.reduce(0) { $0 + $1.accountedBytes }
        // In place: spoolOverflow() just updated the spool's drop count and rate limits.
        let (spooledNow, lowest) = spool?.close(unacked: unacked, counters: &snapshot) ?? (0, nil)
        snapshot.queued = 0
        snapshot.inFlight = 0
        snapshot.lowestSequence = nil
        let (_, droppedFull) = queue.finish(snapshot, settledBytes: settledBytes, lost: (0, lowest))
        settledBytes = 0
        if spooledNow > 0 {
            logger.notice(
                "execlog: shut down with executions the writer did not acknowledge; spooled",
                metadata: [
                    "spooled": "\(spooledNow)", "spool_directory": "\(spool?.spool.directory ?? "")",
                    "endpoint": "\(configuration.endpoint)",
                ])
        }
        if snapshot.droppedSpoolFull > spool?.reportedDrops ?? 0 {
            logger.warning(
                "execlog: executions were dropped because the spool was full",
                metadata: [
                    "dropped_total": "\(snapshot.droppedSpoolFull)", "max_spool_bytes": "\(configuration.maxSpoolBytes)",
                ])
        }
        if droppedFull > reportedDroppedFull {
            logger.warning(
                "execlog: executions were dropped because the queue and its overflow were full",
                metadata: ["dropped_total": "\(droppedFull)", "max_queue_bytes": "\(configuration.maxQueueBytes)"])
        }
    }
}

extension [UInt8] {
    /// A new array of exactly these bytes. `Array(self)` would share this buffer, capacity and all, and
    /// the next `removeAll(keepingCapacity:)` on the shared one would then allocate another of that
    /// capacity: each queued event held the largest event's buffer (3 GB of allocations for 30k events).
    func exactCopy() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            withUnsafeBufferPointer { source in
                if let from = source.baseAddress, let to = target.baseAddress { to.update(from: from, count: source.count) }
            }
            initialized = count
        }
    }
}
