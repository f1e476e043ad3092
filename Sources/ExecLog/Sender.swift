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
/// left), tells the spool which of them were acked, and at shutdown spools what is unacked.
final class Sender {
    typealias Instant = ContinuousClock.Instant

    private let configuration: ExecutionLoggerConfiguration
    private let queue: SendQueue
    private let wakeup: WakeupSignal
    private let logger: Logger
    private var batches: InFlightBatches
    /// Nil when the policy keeps everything as it is.
    private let contentFilter: ContentFilter?
    private var snapshot = SendQueue.SenderSnapshot()
    /// Accounted bytes settled since the last publish, handed back to the queue's bound.
    private var settledBytes = 0
    private var intake: [SendQueue.Entry] = []
    private var overflowIntake: [SendQueue.Entry] = []
    /// Last time a take found records: for `tickingLinger` after it the sender ticks (see `sleep`).
    private var lastRecordsAt: Instant?
    /// Nil without a spool (none configured, or its folder could not be used).
    private let spool: Spool?
    /// Highest record sequence taken so far: events taken from the spool get it, which keeps
    /// `InFlightBatches`' sequences in order (and only makes `flush` wait for them too).
    private var lastSequenceSeen: UInt64 = 0
    /// Accounted bytes of events taken from the spool and not yet settled.
    private var replayBytesInMemory = 0
    private var reportedLostOwnRecords = 0
    private var reportedSpoolDrops = 0
    private var spoolWarning = RateLimit(every: .seconds(10))
    /// The socket refused the last batch (no writer connected, or its pipe is full): wait until
    /// it is writable rather than retrying in a loop.
    private var blockedOnSend = false
    private var reportedDroppedFull = 0
    private var dropWarning = RateLimit(every: .seconds(10))
    private var resendWarning = RateLimit(every: .seconds(10))
    private var replyWarning = RateLimit(every: .seconds(10))
    private var socketWarning = RateLimit(every: .seconds(10))
    /// Tells the writer what was dropped, so drops show in its store and status (docs/PROTOCOL.md).
    private var dropReporter: DropReporter

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
        self.spool = spool
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

    private func run() {
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
                if socketWarning.allows() {
                    logger.error("execlog: socket error", metadata: ["error": "\(error)"])
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        connection?.stop()
        socket.close()
        finish()
    }

    /// DEALER options, each on purpose.
    private func makeSocket(_ context: ZMQContext) throws -> ZMQSocket {
        let socket = try ZMQSocket(context: context, type: .dealer)
        // Queue only to a connected writer: with no connection, sends fail (EAGAIN) instead of
        // piling up inside libzmq, so unsent events stay in our accounted, bounded queue.
        try socket.setOption(.immediate, value: true)
        // We keep every event until it is acked and resend it ourselves: messages still inside
        // libzmq are worth nothing at close, and close must never hang the host at exit.
        try socket.setOption(.linger, value: 0)
        // Notice a writer that vanished without closing the connection (host crash, cable cut):
        // the connection drops after `heartbeatTimeout` of silence and libzmq reconnects. TTL
        // asks the writer to drop us likewise if this process disappears.
        try socket.setOption(.heartbeatInterval, value: Self.milliseconds(configuration.heartbeatInterval))
        try socket.setOption(.heartbeatTimeout, value: Self.milliseconds(configuration.heartbeatTimeout))
        try socket.setOption(.heartbeatTTL, value: Self.milliseconds(configuration.heartbeatTimeout))
        // Reconnect quickly after a writer restart, backing off while it stays down.
        try socket.setOption(.reconnectInterval, value: Self.milliseconds(configuration.reconnectInterval))
        try socket.setOption(
            .reconnectIntervalMax,
            value: Self.milliseconds(max(configuration.reconnectInterval, configuration.reconnectIntervalMax)))
        // Room for every batch in flight and one resend of each; beyond that the writer is not
        // reading and events had better wait, accounted, in our queue.
        try socket.setOption(
            .sendHighWaterMark, value: Int32(clamping: configuration.maxInFlightBatches * 2))
        // Replies are small (an ack lists at most 10 000 rejections): refuse anything absurd.
        try socket.setOption(.maxMessageSize, value: 16 << 20)
        // CURVE (tcp): encrypts the connection, checks the writer's key, and proves ours to its allow-list.
        if let keys = try configuration.curveClientKeys() {
            try socket.setOption(.curveServerKey, value: keys.server)
            try socket.setOption(.curvePublicKey, value: keys.public)
            try socket.setOption(.curveSecretKey, value: keys.secret)
        }
        try socket.connect(configuration.endpoint)
        return socket
    }

    // MARK: - The loop's steps

    /// `queuedSince`: when the first of them was recorded, so that a batch waits `batchInterval`
    /// from its first record, as if the sender had taken it at once.
    private func encodeIntake(queuedSince: Instant?) {
        let now = ContinuousClock.now
        let enqueuedAt = min(queuedSince ?? now, now)
        lastSequenceSeen = max(lastSequenceSeen, intake.last?.sequence ?? 0)
        for entry in intake {
            let json = outgoing(entry.execution).wireJSON()
            guard json.count <= configuration.maxEventBytes else {
                rejectOversized(entry, jsonBytes: json.count)
                continue
            }
            batches.enqueue(
                .init(sequence: entry.sequence, json: json, accountedBytes: entry.bytes, enqueuedAt: enqueuedAt))
        }
        intake.removeAll(keepingCapacity: true)
    }

    /// The execution as the content policy lets it leave the process (to the socket or the spool).
    private func outgoing(_ execution: Execution) -> Execution {
        guard let contentFilter else { return execution }
        return contentFilter.apply(execution, redactions: &snapshot.redactions)
    }

    /// An event the writer's frame limit would refuse (by dropping the connection, unanswered, again
    /// at every resend) is settled here as rejected, loudly, instead of poisoning the connection.
    private func rejectOversized(_ entry: SendQueue.Entry, jsonBytes: Int) {
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

    private func receiveReplies(_ socket: ZMQSocket) throws {
        while let frames = try socket.receive(dontWait: true) {
            handleReply(frames)
        }
    }

    private func handleReply(_ frames: [[UInt8]]) {
        let message: WireMessage
        do {
            message = try WireMessage(frames: frames)
        } catch {
            if replyWarning.allows() {
                logger.warning("execlog: unreadable reply from the writer", metadata: ["error": "\(error)"])
            }
            return
        }
        if handleDropReportReply(message) { return }
        switch message {
        case .ack(let batchID, let ack):
            // Nil for the ack of a resend once the first ack settled the batch: nothing to do.
            guard let settlement = batches.acknowledge(batchID, ack) else { return }
            settle(settlement)
            if settlement.countMismatch {
                logger.warning(
                    "execlog: ack counts do not match the batch",
                    metadata: ["batch": "\(batchID)", "events": "\(settlement.events)", "acked": "\(ack.eventCount)"])
            }
            if let first = settlement.rejections.first, replyWarning.allows() {
                logger.warning(
                    "execlog: the writer rejected events",
                    metadata: [
                        "batch": "\(batchID)", "rejected": "\(settlement.rejected)",
                        "first": "\(first.id ?? "event \(first.index)"): \(first.error)",
                    ])
            }
        case .error(let batchID, let text):
            snapshot.errorReplies += 1
            if let batchID, let settlement = batches.reject(batchID) {
                settle(settlement)
                logger.error(
                    "execlog: the writer refused a batch; its events are counted as rejected",
                    metadata: ["batch": "\(batchID)", "events": "\(settlement.events)", "error": "\(text)"])
            } else if replyWarning.allows() {
                logger.warning("execlog: error reply from the writer", metadata: ["error": "\(text)"])
            }
        case .status:
            break  // Never asked for; harmless.
        case .batch, .report:
            if replyWarning.allows() { logger.warning("execlog: unexpected batch or report message from the writer") }
        }
    }

    // MARK: - Drop reports

    /// The drops counted so far, by cause, as the writer's reports name them.
    private func dropTotals(_ request: SendQueue.Intake) -> DropReporter.Totals {
        DropReporter.Totals(
            queueFull: request.droppedFull, spoolFull: snapshot.droppedSpoolFull,
            spoolUnreadable: snapshot.droppedSpoolCorrupt, shutdown: request.droppedClosed + snapshot.droppedAtStop)
    }

    /// Sends the drop report that is due, if any. A refused send (no writer) leaves it due.
    private func sendDropReport(_ socket: ZMQSocket, now: Instant, stopping: Bool) throws {
        guard let outgoing = dropReporter.nextToSend(now: now, wallClock: Date(), stopping: stopping) else { return }
        guard try socket.send(WireMessage.report(id: outgoing.id, outgoing.report).frames, dontWait: true) else {
            blockedOnSend = true
            return
        }
        dropReporter.didSend(at: now)
    }

    /// True when the reply answers the drop report in flight (then it is handled here).
    private func handleDropReportReply(_ message: WireMessage) -> Bool {
        switch message {
        case .ack(let id, _):
            guard let dropped = dropReporter.acknowledge(id) else { return false }
            snapshot.dropsReported += dropped
            return true
        case .error(let id, let text):
            switch dropReporter.refuse(id, message: text) {
            case nil:
                return false
            case .writerLacksReports:
                // An older execlogd: not an error of ours. The report waits for the next connection.
                logger.notice(
                    "execlog: the writer does not take drop reports (an older execlogd); drops are counted and logged here only",
                    metadata: ["endpoint": "\(configuration.endpoint)"])
            case .refused(let dropped):
                snapshot.errorReplies += 1
                logger.error(
                    "execlog: the writer refused a drop report; those drops are counted and logged here only",
                    metadata: ["dropped": "\(dropped)", "error": "\(text)"])
            }
            return true
        default:
            return false
        }
    }

    private func settle(_ settlement: InFlightBatches.Settlement) {
        if let spool {
            for segment in settlement.spoolSegments { spool.settle(segment: segment) }
            replayBytesInMemory -= settlement.spoolBytes
        }
        snapshot.acked += settlement.events
        snapshot.stored += settlement.stored
        snapshot.duplicates += settlement.duplicates
        snapshot.rejected += settlement.rejected
        settledBytes += settlement.accountedBytes
    }

    /// A new connection to the writer: what was in flight on the old one may be lost, so resend it now
    /// rather than after ackTimeout (the writer counts what it had already committed as duplicates).
    private func resendAfterReconnect() {
        dropReporter.connectionRestored()
        let ids = batches.resendAllNow()
        guard !ids.isEmpty else { return }
        logger.info(
            "execlog: reconnected to the writer; resending unacknowledged batches now",
            metadata: ["endpoint": "\(configuration.endpoint)", "batches": "\(ids.count)"])
    }

    private func resendOverdue(now: Instant) {
        dropReporter.expireTimeout(now: now)
        let overdue = batches.expireTimeouts(now: now)
        if !overdue.isEmpty, resendWarning.allows() {
            logger.warning(
                "execlog: no ack from the writer in time; resending",
                metadata: [
                    "endpoint": "\(configuration.endpoint)", "batches": "\(overdue.count)",
                    "ack_timeout": "\(configuration.ackTimeout)",
                ])
        }
    }

    private func sendDue(_ socket: ZMQSocket, now: Instant, flushThrough: UInt64?) throws {
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

    private func publish() {
        snapshot.queued = batches.queuedEvents
        snapshot.inFlight = batches.inFlightEvents
        snapshot.lowestSequence = [batches.lowestSequence, spool?.lowestOwnSequence].compactMap { $0 }.min()
        snapshot.spoolBytes = spool?.totalBytes ?? 0
        queue.publish(snapshot, settledBytes: settledBytes)
        settledBytes = 0
    }

    /// Polls until the writer replies, a recording thread signals, or the next deadline.
    private func sleep(_ items: inout [PollItem], request: SendQueue.Intake, flushThrough: UInt64?) throws {
        let now = ContinuousClock.now
        // Blocked: only the socket becoming writable, an overdue ack or the stop deadline matter,
        // with a slow recheck in case writability is missed.
        var deadline = batches.nextDeadline(flushThrough: flushThrough, includingPending: !blockedOnSend)
        if blockedOnSend { deadline = min(deadline ?? now + .milliseconds(250), now + .milliseconds(250)) }
        if let reportDue = dropReporter.nextDeadline(now: now) { deadline = min(deadline ?? reportDue, reportDue) }
        if let stop = request.stopDeadline.map({ $0 - spoolMargin }) { deadline = min(deadline ?? stop, stop) }
        // Wake at least once a second to report drops even when there is nothing else to do.
        var timeout = min(deadline.map { Self.millisecondsRoundedUp(now.duration(to: $0)) } ?? 1000, 1000)
        // While records keep coming, come back every batchInterval to take them rather than be
        // signalled by each: a signal costs the recording thread a system call and, on a busy
        // machine, being preempted by this thread. After `tickingLinger` without records, sleep
        // until signalled.
        // (A batchInterval under a millisecond, which poll cannot time, means: signal every time.)
        let tick = Int(configuration.batchInterval / .milliseconds(1))
        let ticking = tick >= 1 && lastRecordsAt.map { now < $0 + Self.tickingLinger } ?? false
        if ticking { timeout = min(timeout, tick) }
        guard timeout > 0,
            queue.prepareToWait(
                knownFlushThrough: request.flushThrough, knownStop: request.stopDeadline, ticking: ticking)
        else { return }
        items[0].events = blockedOnSend ? [.readable, .writable] : .readable
        _ = try Poller.poll(&items, timeoutMilliseconds: timeout)
        if items[1].isReadable { wakeup.drain() }
    }

    private func warnAboutDrops(_ droppedFull: Int) {
        guard droppedFull > reportedDroppedFull, dropWarning.allows() else { return }
        logger.warning(
            "execlog: queue full, executions dropped; is the writer running?",
            metadata: [
                "dropped": "\(droppedFull - reportedDroppedFull)", "dropped_total": "\(droppedFull)",
                "max_queue_bytes": "\(configuration.maxQueueBytes)", "endpoint": "\(configuration.endpoint)",
            ])
        reportedDroppedFull = droppedFull
    }

    /// Drops whatever is still unacknowledged (or spools it) and wakes the tasks waiting for the
    /// shutdown.
    private func finish() {
        if let spool {
            finish(spoolingTo: spool)
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

    /// With a spool, the loop stops trying to deliver this long before the stop deadline, to
    /// write what is unacked to the spool by the deadline: 100 ms, plus 1 ms per 1 000 events.
    /// How long the sender keeps ticking after the last record. A worker records once per model
    /// call, seconds apart: with 10 s, one recording at least that often never signals the sender,
    /// for 1 / batchInterval short idle turns a second (50 by default) while it is in use.
    static let tickingLinger = Duration.seconds(10)

    private var spoolMargin: Duration {
        guard spool != nil else { return .zero }
        return .milliseconds(100 + (batches.queuedEvents + batches.inFlightEvents) / 1_000)
    }

    /// Writes the overflow (executions past the memory bound) to the spool.
    private func spoolOverflow() {
        lastSequenceSeen = max(lastSequenceSeen, overflowIntake.last?.sequence ?? 0)
        for entry in overflowIntake {
            let json = outgoing(entry.execution).wireJSON()
            if json.count > configuration.maxEventBytes {
                rejectOversized(entry, jsonBytes: json.count)
            } else {
                spoolOwn(json, sequence: entry.sequence)
            }
        }
        overflowIntake.removeAll(keepingCapacity: true)
        spool?.endOfBurst()
        warnAboutSpoolDrops()
    }

    /// Spools one of this process's events; false (counted, dropped) when the spool refuses it.
    @discardableResult
    private func spoolOwn(_ json: [UInt8], sequence: UInt64) -> Bool {
        guard let spool else {
            snapshot.droppedSpoolFull += 1
            return false
        }
        switch spool.append(json, sequence: sequence) {
        case .spooled:
            snapshot.spooled += 1
            return true
        case .full:
            snapshot.droppedSpoolFull += 1
            return false
        case .failed(let error):
            snapshot.droppedSpoolFull += 1
            if spoolWarning.allows() {
                logger.error("execlog: cannot write to the spool; executions dropped", metadata: ["error": "\(error)"])
            }
            return false
        }
    }

    /// Takes spooled events back into memory while the bound allows (and at most half of it for
    /// them, so new records keep room), to be sent like any other.
    private func replayFromSpool(now: Instant) {
        guard let spool, spool.hasUnread else { return }
        let budget = max(1, configuration.maxQueueBytes / 2)
        let records = spool.take { bytes in
            if replayBytesInMemory > 0, replayBytesInMemory + bytes > budget { return false }
            guard queue.reserve(bytes) else { return false }
            replayBytesInMemory += bytes
            return true
        }
        for record in records {
            if record.isFromEarlierProcess { snapshot.replayed += 1 } else { snapshot.spooled -= 1 }
            batches.enqueue(
                .init(
                    sequence: lastSequenceSeen, json: record.json, accountedBytes: record.json.count,
                    enqueuedAt: now, spoolSegment: record.segment))
        }
        noteSpoolLosses()
    }

    /// Own spooled events found corrupt when read back: no longer spooled, lost.
    private func noteSpoolLosses() {
        guard let spool else { return }
        snapshot.spoolCorrupt = spool.corruptRegions
        let lost = spool.lostOwnRecords - reportedLostOwnRecords
        guard lost > 0 else { return }
        reportedLostOwnRecords = spool.lostOwnRecords
        snapshot.spooled -= lost
        snapshot.droppedSpoolCorrupt += lost
    }

    private func warnAboutSpoolDrops() {
        guard snapshot.droppedSpoolFull > reportedSpoolDrops, spoolWarning.allows() else { return }
        logger.warning(
            "execlog: spool full, executions dropped",
            metadata: [
                "dropped": "\(snapshot.droppedSpoolFull - reportedSpoolDrops)",
                "dropped_total": "\(snapshot.droppedSpoolFull)",
                "max_spool_bytes": "\(configuration.maxSpoolBytes)",
            ])
        reportedSpoolDrops = snapshot.droppedSpoolFull
    }

    /// Shutdown with a spool: what is unacked goes to the spool instead of being dropped; events
    /// that came from the spool are still in their segment, and stay there.
    private func finish(spoolingTo spool: Spool) {
        // Normally nothing: the queue closed before the loop's last take.
        let request = queue.take(into: &intake, overflow: &overflowIntake)
        if !intake.isEmpty { encodeIntake(queuedSince: request.queuedSince) }
        if !overflowIntake.isEmpty { spoolOverflow() }
        var spooledNow = 0
        var lowestLost: UInt64?
        for event in batches.removeAllEvents() {
            settledBytes += event.accountedBytes
            if event.spoolSegment != nil {
                snapshot.spooled += 1
            } else if spoolOwn(event.json, sequence: event.sequence) {
                spooledNow += 1
            } else {
                lowestLost = min(lowestLost ?? event.sequence, event.sequence)
            }
        }
        spool.endOfBurst()
        noteSpoolLosses()
        // A flush covering a spooled event can no longer succeed in this process.
        let lowest = [lowestLost, spool.lowestOwnSequence].compactMap { $0 }.min()
        spool.close()
        snapshot.queued = 0
        snapshot.inFlight = 0
        snapshot.lowestSequence = nil
        let (_, droppedFull) = queue.finish(snapshot, settledBytes: settledBytes, lost: (0, lowest))
        settledBytes = 0
        if spooledNow > 0 {
            logger.notice(
                "execlog: shut down with executions the writer did not acknowledge; spooled",
                metadata: [
                    "spooled": "\(spooledNow)", "spool_directory": "\(spool.directory)",
                    "endpoint": "\(configuration.endpoint)",
                ])
        }
        if snapshot.droppedSpoolFull > reportedSpoolDrops {
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

    // MARK: - Helpers

    static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(clamping: millisecondsRoundedUp(duration))
    }

    /// Rounded up, so a deadline 0.4 ms away is not polled with 0 (a busy loop).
    static func millisecondsRoundedUp(_ duration: Duration) -> Int {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let (total, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        return Int(clamping: total) + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}

/// Allows one log line per period, so a writer that stays down does not flood the host's logs.
struct RateLimit {
    let every: Duration
    private var last: ContinuousClock.Instant?

    init(every: Duration) {
        self.every = every
    }

    mutating func allows(now: ContinuousClock.Instant = .now) -> Bool {
        if let last, now < last + every { return false }
        last = now
        return true
    }
}
