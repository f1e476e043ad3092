import ExecLogModel
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The sender's drop reports to the writer (the protocol's `report` message), without sockets or
/// clocks of its own (time is passed in), so it is tested on its own.
///
/// Each turn the sender passes in the drops counted so far. When they exceed what earlier reports
/// covered, and the last report was made at least `interval` ago (or the logger is stopping), a new
/// report carries the difference. One report at a time: it keeps its id and counts, and is sent again
/// after `ackTimeout` or a reconnection until the writer acks it; drops counted meanwhile go into the
/// next report. So every drop is in exactly one report, and a resent report is stored once.
struct DropReporter {
    typealias Instant = ContinuousClock.Instant

    /// Drops since the logger started, by cause.
    struct Totals: Equatable {
        var queueFull = 0
        var spoolFull = 0
        var spoolUnreadable = 0
        var shutdown = 0

        var dropped: Int { queueFull + spoolFull + spoolUnreadable + shutdown }

        static func - (lhs: Totals, rhs: Totals) -> Totals {
            Totals(
                queueFull: lhs.queueFull - rhs.queueFull, spoolFull: lhs.spoolFull - rhs.spoolFull,
                spoolUnreadable: lhs.spoolUnreadable - rhs.spoolUnreadable, shutdown: lhs.shutdown - rhs.shutdown)
        }
    }

    /// A report message to send now.
    struct Outgoing: Equatable {
        var id: String
        var report: DropReport
        var isResend: Bool
    }

    /// What became of the report in flight when the writer answered it with an `error`.
    enum Refusal: Equatable {
        /// An older writer that does not know the verb: the report waits for the next connection.
        case writerLacksReports
        /// The writer read the report and refused it: resending would fail the same way.
        case refused(dropped: Int)
    }

    private struct Pending {
        var report: DropReport
        var id: String
        /// Sent and waiting for its ack since then; nil when it is to be sent (again).
        var sentAt: Instant?
        var sendCount = 0
    }

    let emitter: String
    let interval: Duration
    let ackTimeout: Duration
    /// Drops counted so far, as last observed.
    private var observed = Totals()
    /// Drops put in a report (acked, in flight, or refused for good).
    private var covered = Totals()
    private var pending: Pending?
    /// The period of the next report starts where the last one ended.
    private var periodStart: Date
    private var lastReportMade: Instant?
    /// The writer answered `unknown verb`: reports wait until the connection is made again (the
    /// writer may have been upgraded meanwhile).
    private(set) var writerLacksReports = false

    init(emitter: String = Self.processName(), interval: Duration = .seconds(1), ackTimeout: Duration, startedAt: Date = Date()) {
        self.emitter = String(emitter.unicodeScalars.prefix(DropReport.Limits.emitter.upperBound))
        self.interval = interval
        self.ackTimeout = ackTimeout
        self.periodStart = startedAt
    }

    /// `HOST/PID`: which process dropped, for whoever reads the store.
    static func processName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        return "\(host.isEmpty ? "unknown-host" : String(host.prefix(150)))/\(getpid())"
    }

    var hasPendingReport: Bool { pending != nil }

    /// Drops not yet put in any report.
    var unreported: Int { observed.dropped - covered.dropped }

    /// Whether the shutdown should wait (while time remains) for a report to be made, sent or acked.
    var hasWork: Bool { !writerLacksReports && (pending != nil || unreported > 0) }

    mutating func observe(_ totals: Totals) {
        observed = totals
    }

    /// The report to send now, if any: the one in flight when it is due again, else a new one when
    /// drops grew and the last report is old enough (at once when `stopping`). Call
    /// ``didSend(at:)`` once it is actually sent.
    mutating func nextToSend(now: Instant, wallClock: Date, stopping: Bool) -> Outgoing? {
        guard !writerLacksReports else { return nil }
        if let pending {
            guard pending.sentAt == nil else { return nil }
            return Outgoing(id: pending.id, report: pending.report, isResend: pending.sendCount > 0)
        }
        guard unreported > 0, stopping || lastReportMade.map({ now >= $0 + interval }) ?? true else { return nil }
        let delta = observed - covered
        let until = max(wallClock, periodStart)
        let report = DropReport(
            id: .v7(), emitter: emitter, dropped: delta.dropped, queueFull: delta.queueFull, spoolFull: delta.spoolFull,
            spoolUnreadable: delta.spoolUnreadable, shutdown: delta.shutdown, since: periodStart, until: until)
        covered = observed
        periodStart = until
        lastReportMade = now
        pending = Pending(report: report, id: report.idString)
        return Outgoing(id: report.idString, report: report, isResend: false)
    }

    mutating func didSend(at now: Instant) {
        pending?.sentAt = now
        pending?.sendCount += 1
    }

    /// Makes the report in flight due again when its ack is overdue; true when it did.
    @discardableResult
    mutating func expireTimeout(now: Instant) -> Bool {
        guard let sentAt = pending?.sentAt, now >= sentAt + ackTimeout else { return false }
        pending?.sentAt = nil
        return true
    }

    /// The connection to the writer was made again: what was sent on the old one will not be
    /// answered, and the writer may be a newer one that takes reports.
    mutating func connectionRestored() {
        pending?.sentAt = nil
        writerLacksReports = false
    }

    /// The writer acked a message: the drops of the report in flight when it is that report's ack
    /// (stored, or already stored), else nil (a batch's ack, or a late ack of a report settled before).
    mutating func acknowledge(_ id: String) -> Int? {
        guard let report = pending, report.id == id else { return nil }
        pending = nil
        return report.report.dropped
    }

    /// The writer answered with an `error`: nil when it is not about the report in flight.
    mutating func refuse(_ id: String?, message: String) -> Refusal? {
        guard let report = pending else { return nil }
        // An older writer names the verb it does not know; it echoes frame 2, a valid id, too.
        if message.hasPrefix("unknown verb \"report\""), id == nil || id == report.id {
            pending?.sentAt = nil
            writerLacksReports = true
            return .writerLacksReports
        }
        guard id == report.id else { return nil }
        pending = nil
        return .refused(dropped: report.report.dropped)
    }

    /// When something next needs doing without a message arriving: the ack of the report in flight
    /// is overdue, or the next report may be made. Nil when nothing waits on time.
    func nextDeadline(now: Instant) -> Instant? {
        guard !writerLacksReports else { return nil }
        if let pending { return pending.sentAt.map { $0 + ackTimeout } }
        guard unreported > 0 else { return nil }
        return lastReportMade.map { $0 + interval } ?? now
    }
}
