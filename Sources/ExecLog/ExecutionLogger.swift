import ExecLogModel
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// Sends every AI model execution of this process to the execlog writer (`execlogd`).
///
///     let log = ExecutionLogger(configuration: try .fromEnvironment())
///     log.record(execution)                       // never blocks, never throws
///     let reply = try await log.track(usageType: "interview", provider: "anthropic",
///                                     model: "claude-sonnet-4-5", messages: messages) {
///         try await client.complete(messages)    // timed and recorded, success or failure
///     }
///     await log.shutdown(timeout: .seconds(5))   // deliver what is left before exiting
///
/// Executions go into a bounded in-memory queue; one background thread encodes them, sends them
/// in batches over a ZeroMQ DEALER socket, and keeps each until the writer acknowledges it (after
/// its commit), resending after `ackTimeout`. A writer that is down or slow never slows the
/// caller: once `maxQueueBytes` are waiting, new executions are dropped and counted, or, with a
/// `spoolDirectory`, written to a disk spool by the background thread and sent from there later
/// (by this logger, or the next one started on the same folder).
public final class ExecutionLogger: Sendable {
    /// The configuration in use (out-of-range values brought into range).
    public let configuration: ExecutionLoggerConfiguration
    let logger: Logger
    private let queue: SendQueue
    private let warnedAfterShutdown = Atomic<Bool>(false)

    /// Starts the background thread; it connects (and reconnects) to the writer on its own, so
    /// this returns at once whether or not the writer is up.
    public init(configuration: ExecutionLoggerConfiguration, logger: Logger = Logger(label: "execlog")) {
        let configuration = configuration.clamped
        self.configuration = configuration
        self.logger = logger
        let wakeup: WakeupSignal?
        do {
            wakeup = try WakeupSignal()
        } catch {
            logger.error("execlog: cannot create the sender's wakeup; executions will be dropped",
                metadata: ["error": "\(error)"])
            wakeup = nil
        }
        var spool: Spool?
        if let directory = configuration.spoolDirectory {
            do {
                spool = try Spool(
                    directory: directory, maxBytes: configuration.maxSpoolBytes, sync: configuration.spoolSync,
                    logger: logger)
            } catch {
                logger.error(
                    "execlog: cannot use the spool folder; running without a spool",
                    metadata: ["spool_directory": "\(directory)", "error": "\(error)"])
            }
        }
        queue = SendQueue(
            maxBytes: configuration.maxQueueBytes, wakeup: wakeup, spooling: spool != nil && wakeup != nil,
            spoolBytes: spool?.totalBytes ?? 0, batchEvents: configuration.maxBatchEvents,
            batchBytes: configuration.maxBatchBytes)
        if let wakeup {
            Sender.start(
                configuration: configuration, queue: queue, wakeup: wakeup, idPrefix: Self.makeIDPrefix(),
                spool: spool, logger: logger)
        } else {
            spool?.close()
            queue.requestStop(deadline: .now)
            _ = queue.finish(.init(), settledBytes: 0, lost: (0, nil))
        }
    }

    /// Without a shutdown, the sender stops at once; what it had not delivered is dropped.
    deinit {
        queue.requestStop(deadline: .now)
    }

    /// Queues an execution for the writer. Never blocks, never throws, safe from any thread or task;
    /// costs a lock and an append (no encoding, no file I/O here). Dropped, and counted in
    /// `dropped`, when the queue is full or after shutdown; with a spool, an execution that does
    /// not fit in memory is handed to the background thread for the spool instead.
    public func record(_ execution: Execution) {
        if queue.append(execution, size: execution.estimatedSize) == .closed,
            !warnedAfterShutdown.exchange(true, ordering: .relaxed)
        {
            logger.warning("execlog: record() after shutdown; executions dropped")
        }
    }

    /// A snapshot of what became of the executions recorded so far.
    public var counters: EmitterCounters { queue.counters }

    /// Sends everything recorded before the call without waiting for batches to fill, then waits
    /// for the writer to acknowledge it.
    ///
    /// - Returns: true once every execution recorded before the call has been answered by the
    ///   writer (stored, duplicate or rejected); false at the timeout, on cancellation, or if some
    ///   were dropped or spooled at shutdown. Executions dropped because the queue (or the spool)
    ///   was full never count; spooled ones do (the flush waits until they are sent from the spool
    ///   and acked).
    public func flush(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        guard let target = queue.requestFlush() else { return true }
        var pause = Duration.milliseconds(1)
        while true {
            switch queue.flushState(through: target) {
            case .settled: return true
            case .lost: return false
            case .pending: break
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            // Only waits: the sender thread does the work and publishes its progress.
            do { try await Task.sleep(for: min(pause, remaining)) } catch { return false }
            pause = min(pause * 2, .milliseconds(10))
        }
    }

    /// ``flush(timeout:)`` for synchronous code (command-line tools); blocks the calling thread.
    @available(*, noasync, message: "Blocks the thread; use flush(timeout:) in async code")
    public func flushBlocking(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        guard let target = queue.requestFlush() else { return true }
        while true {
            switch queue.flushState(through: target) {
            case .settled: return true
            case .lost: return false
            case .pending: break
            }
            guard ContinuousClock.now < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    /// Stops accepting executions, tries until `timeout` to deliver the rest and get their acks,
    /// then stops the thread and closes the socket. Whatever is still unacknowledged then is
    /// counted as `dropped` and logged; with a spool, it is written to the spool instead (the
    /// thread stops delivering about 100 ms before the deadline to do so) and counted in
    /// `spooled`, and the spool folder is released for the next logger. Idempotent; a later call
    /// cannot extend the deadline.
    public func shutdown(timeout: Duration) async {
        queue.requestStop(deadline: .now + timeout)
        // The sender honours the deadline itself, and resumes this task when it is done.
        await queue.waitUntilFinished()
    }

    /// ``shutdown(timeout:)`` for synchronous code (command-line tools, `atexit`-style cleanup);
    /// blocks the calling thread until the sender has stopped.
    @available(*, noasync, message: "Blocks the thread; use shutdown(timeout:) in async code")
    public func shutdownBlocking(timeout: Duration) {
        let deadline = ContinuousClock.now + timeout
        queue.requestStop(deadline: deadline)
        // A margin for the sender's last turn; it never blocks longer than its poll timeout.
        _ = queue.waitUntilFinishedBlocking(deadline: deadline + .seconds(2))
    }

    /// Whether the sender thread has stopped (after a shutdown, or if it could not start).
    public var isShutDown: Bool { queue.isFinished }

    /// 16 random hex digits: batch ids are `<prefix>-<counter>`, unique among this emitter's
    /// batches, and unlikely to meet another emitter's (the writer keys acks by connection anyway).
    private static func makeIDPrefix() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
