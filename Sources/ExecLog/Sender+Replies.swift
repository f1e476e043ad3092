import ExecLogModel
import ExecLogWire
import Foundation
import Logging
import ZeroMQ

/// The writer's replies: acks and errors for batches and drop reports, settled into the counters.
extension Sender {
    func receiveReplies(_ socket: ZMQSocket) throws {
        while let frames = try socket.receive(dontWait: true) {
            handleReply(frames)
        }
    }

    func handleReply(_ frames: [[UInt8]]) {
        let message: WireMessage
        do {
            message = try WireMessage(frames: frames)
        } catch {
            replyLog.log(.warning, "execlog: unreadable reply from the writer", metadata: ["error": "\(error)"], to: logger)
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
            if let first = settlement.rejections.first {
                replyLog.log(
                    .warning, "execlog: the writer rejected events",
                    metadata: [
                        "batch": "\(batchID)", "rejected": "\(settlement.rejected)",
                        "first": "\(first.id ?? "event \(first.index)"): \(first.error)",
                    ], to: logger)
            }
        case .error(let batchID, let text):
            snapshot.errorReplies += 1
            if let batchID, let settlement = batches.reject(batchID) {
                settle(settlement)
                logger.error(
                    "execlog: the writer refused a batch; its events are counted as rejected",
                    metadata: ["batch": "\(batchID)", "events": "\(settlement.events)", "error": "\(text)"])
            } else {
                replyLog.log(.warning, "execlog: error reply from the writer", metadata: ["error": "\(text)"], to: logger)
            }
        case .status:
            break  // Never asked for; harmless.
        case .batch, .report:
            replyLog.log(.warning, "execlog: unexpected batch or report message from the writer", to: logger)
        }
    }

    // MARK: - Drop reports

    /// The drops counted so far, by cause, as the writer's reports name them.
    func dropTotals(_ request: SendQueue.Intake) -> DropReporter.Totals {
        DropReporter.Totals(
            queueFull: request.droppedFull, spoolFull: snapshot.droppedSpoolFull,
            spoolUnreadable: snapshot.droppedSpoolCorrupt, shutdown: request.droppedClosed)
    }

    /// Sends the drop report that is due, if any. A refused send (no writer) leaves it due.
    func sendDropReport(_ socket: ZMQSocket, now: Instant, stopping: Bool) throws {
        guard let outgoing = dropReporter.nextToSend(now: now, wallClock: Date(), stopping: stopping) else { return }
        guard try socket.send(WireMessage.report(id: outgoing.id, outgoing.report).frames, dontWait: true) else {
            blockedOnSend = true
            return
        }
        dropReporter.didSend(at: now)
    }

    /// True when the reply answers the drop report in flight (then it is handled here).
    func handleDropReportReply(_ message: WireMessage) -> Bool {
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

    func settle(_ settlement: InFlightBatches.Settlement) {
        spool?.settle(settlement)
        snapshot.acked += settlement.events
        snapshot.stored += settlement.stored
        snapshot.duplicates += settlement.duplicates
        snapshot.rejected += settlement.rejected
        settledBytes += settlement.accountedBytes
        freedSinceTrim += settlement.accountedBytes
    }
}
