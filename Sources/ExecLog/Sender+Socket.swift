import ExecLogModel
import ExecLogWire
import Foundation
import Logging
import ZeroMQ

/// The DEALER socket: its options, and the sender's sleep in `zmq_poll` between turns.
extension Sender {
    /// DEALER options, each on purpose.
    func makeSocket(_ context: ZMQContext) throws -> ZMQSocket {
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

    /// Polls until the writer replies, a recording thread signals, or the next deadline.
    func sleep(_ items: inout [PollItem], request: SendQueue.Intake, flushThrough: UInt64?) throws {
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
