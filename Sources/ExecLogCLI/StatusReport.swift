import ExecLogWire
import Foundation

/// `execlog status`: a running writer's counters.
public enum StatusReport {
    public static func text(_ status: WriterStatus, style: TerminalStyle) -> String {
        var output = style.bold("execlogd \(status.version)") + "  up \(uptime(status.uptimeSeconds)), since \(status.startedAt)\n"
        func field(_ name: String, _ value: String) {
            output += "  " + name.padding(toLength: 20, withPad: " ", startingAt: 0) + value + "\n"
        }
        field("Store", status.store)
        field("Endpoints", status.endpoints.joined(separator: ", "))
        field("Received", Formatting.count(status.received))
        field("Stored", Formatting.count(status.stored))
        field("Duplicates", Formatting.count(status.duplicates))
        field("Rejected", status.rejected > 0 ? style.red(Formatting.count(status.rejected)) : "0")
        field("Malformed messages", status.malformed > 0 ? style.red(Formatting.count(status.malformed)) : "0")
        let dropped = Formatting.count(status.emitterDropped) + " (\(Formatting.count(status.reports)) report\(status.reports == 1 ? "" : "s"))"
        field("Emitter drops", status.emitterDropped > 0 ? style.red(dropped) : dropped)
        field("Dead letters", deadLetters(status))
        field("Batches", Formatting.count(status.batches))
        field("Commits", Formatting.count(status.commits))
        field("Commit failures", status.commitFailures > 0 ? style.red(Formatting.count(status.commitFailures)) : "0")
        field("Queue depth", Formatting.count(status.queueDepth))
        field("Last commit", String(format: "%.2f ms", status.lastCommitMs))
        let blocked = status.checkpointsBlocked > 0 ? " (\(Formatting.count(status.checkpointsBlocked)) held back by a reader)" : ""
        field("WAL", "\(Formatting.count(status.walBytes)) bytes, \(Formatting.count(status.checkpoints)) checkpoint\(status.checkpoints == 1 ? "" : "s")\(blocked)")
        if !status.synchronous.isEmpty { field("Synchronous", status.synchronous) }
        if status.allowedKeys > 0 || status.authFailures > 0 {
            let refused = Formatting.count(status.authFailures)
            field("Refused connections", (status.authFailures > 0 ? style.red(refused) : refused) + " (\(Formatting.count(status.allowedKeys)) allowed key\(status.allowedKeys == 1 ? "" : "s"))")
        }
        if let limits = status.limits {
            field(
                "Limits",
                "\(Formatting.bytes(limits.maxEventBytes)) per event, \(Formatting.bytes(limits.maxFieldBytes)) per field, "
                    + "\(Formatting.count(limits.maxBatchEvents)) events per batch, \(Formatting.bytes(limits.maxMessageBytes)) per frame")
        }
        return output
    }

    /// `12 (3.4 KB of 256 MB; kept 30 days; since start 2 expired, 0 evicted over the cap)`.
    static func deadLetters(_ status: WriterStatus) -> String {
        var bounds: [String] = []
        if let cap = status.maxDeadLetterBytes {
            bounds.append("\(Formatting.bytes(status.deadLetterBytes)) of \(Formatting.bytes(cap))")
        } else {
            bounds.append(Formatting.bytes(status.deadLetterBytes))
        }
        if let seconds = status.deadLetterRetentionSeconds {
            bounds.append("kept \(seconds % 86_400 == 0 ? "\(seconds / 86_400) days" : "\(seconds) s")")
        }
        bounds.append(
            "since start \(Formatting.count(status.deadLettersExpired)) expired, \(Formatting.count(status.deadLettersEvicted)) evicted over the cap")
        return "\(Formatting.count(status.deadLetters)) (\(bounds.joined(separator: "; ")))"
    }

    public static func json(_ status: WriterStatus) -> String {
        String(decoding: status.json, as: UTF8.self) + "\n"
    }

    static func uptime(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3_600 { return "\(total / 60)m \(total % 60)s" }
        if total < 86_400 { return "\(total / 3_600)h \(total % 3_600 / 60)m" }
        return "\(total / 86_400)d \(total % 86_400 / 3_600)h"
    }
}
