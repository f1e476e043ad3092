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
final class Sender {
    typealias Instant = ContinuousClock.Instant

    private let configuration: ExecutionLoggerConfiguration
    private let queue: SendQueue
    private let wakeup: WakeupSignal
    private let logger: Logger
    private var batches: InFlightBatches
    private var snapshot = SendQueue.SenderSnapshot()
    /// Accounted bytes settled since the last publish, handed back to the queue's bound.
    private var settledBytes = 0
    private var intake: [SendQueue.Entry] = []
    /// The socket refused the last batch (no writer connected, or its pipe is full): wait until
    /// it is writable rather than retrying in a loop.
    private var blockedOnSend = false
    private var reportedDroppedFull = 0
    private var dropWarning = RateLimit(every: .seconds(10))
    private var resendWarning = RateLimit(every: .seconds(10))
    private var replyWarning = RateLimit(every: .seconds(10))
    private var socketWarning = RateLimit(every: .seconds(10))

    /// Starts the thread. Everything it captures is `Sendable`; the socket is made on the thread.
    static func start(
        configuration: ExecutionLoggerConfiguration,
        queue: SendQueue,
        wakeup: WakeupSignal,
        idPrefix: String,
        logger: Logger
    ) {
        let thread = Thread {
            Sender(configuration: configuration, queue: queue, wakeup: wakeup, idPrefix: idPrefix, logger: logger)
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
        logger: Logger
    ) {
        self.configuration = configuration
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
        var items = [PollItem(socket), PollItem(wakeup)]
        while true {
            let request = queue.take(into: &intake)
            if !intake.isEmpty { encodeIntake() }
            warnAboutDrops(request.droppedFull)
            // Shutting down: send everything now, full batches or not.
            let flushThrough = request.stopDeadline != nil ? UInt64.max : request.flushThrough
            do {
                try receiveReplies(socket)
                let now = ContinuousClock.now
                resendOverdue(now: now)
                if let stop = request.stopDeadline, batches.isEmpty || now >= stop { break }
                try sendDue(socket, now: now, flushThrough: flushThrough)
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
        try socket.connect(configuration.endpoint)
        return socket
    }

    // MARK: - The loop's steps

    private func encodeIntake() {
        let now = ContinuousClock.now
        for entry in intake {
            batches.enqueue(
                .init(
                    sequence: entry.sequence, json: Array(entry.execution.jsonData()),
                    accountedBytes: entry.bytes, enqueuedAt: now))
        }
        intake.removeAll(keepingCapacity: true)
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
        case .batch:
            if replyWarning.allows() { logger.warning("execlog: unexpected batch message from the writer") }
        }
    }

    private func settle(_ settlement: InFlightBatches.Settlement) {
        snapshot.acked += settlement.events
        snapshot.stored += settlement.stored
        snapshot.duplicates += settlement.duplicates
        snapshot.rejected += settlement.rejected
        settledBytes += settlement.accountedBytes
    }

    private func resendOverdue(now: Instant) {
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
        snapshot.lowestSequence = batches.lowestSequence
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
        if let stop = request.stopDeadline { deadline = min(deadline ?? stop, stop) }
        // Wake at least once a second to report drops even when there is nothing else to do.
        let timeout = min(deadline.map { Self.millisecondsRoundedUp(now.duration(to: $0)) } ?? 1000, 1000)
        guard timeout > 0,
            queue.prepareToWait(knownFlushThrough: request.flushThrough, knownStop: request.stopDeadline)
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

    /// Drops whatever is still unacknowledged (a disk spool will keep it, later) and wakes the
    /// tasks waiting for the shutdown.
    private func finish() {
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
