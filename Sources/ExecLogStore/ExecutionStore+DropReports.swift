import ExecLogModel
import Foundation
import GRDB

extension ExecutionStore {
    /// Inserts drop reports in the caller's transaction (the writer's group commit): a report whose id
    /// is already stored is a duplicate, never a second row. Returns how many were stored.
    static func insert(_ reports: [StoredDropReport], in db: Database) throws -> Int {
        guard !reports.isEmpty else { return 0 }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO emitter_drops (id, received_at, emitter, dropped, queue_full, spool_full,
                    spool_unreadable, shutdown, since, until)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO NOTHING
                """)
        var stored = 0
        for entry in reports {
            let report = entry.report
            try statement.execute(arguments: [
                report.idString, Timestamp.format(entry.receivedAt), report.emitter, report.dropped,
                report.queueFull, report.spoolFull, report.spoolUnreadable, report.shutdown,
                report.since.map(Timestamp.format), Timestamp.format(report.until),
            ])
            stored += db.changesCount
        }
        return stored
    }

    /// Stores drop reports in one transaction; returns how many were new (the rest were duplicates).
    @available(*, noasync, message: "blocks on SQLite")
    @discardableResult
    public func insert(_ reports: [StoredDropReport]) throws(StoreError) -> Int {
        try write { db in try Self.insert(reports, in: db) }
    }

    /// Drops reported by emitters whose report's `until` lies in `[from, to)` (either bound optional).
    @available(*, noasync, message: "blocks on SQLite")
    public func emitterDrops(from: Date? = nil, to: Date? = nil) throws(StoreError) -> EmitterDropTotals {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let from {
            conditions.append("until >= ?")
            arguments += [Timestamp.format(from)]
        }
        if let to {
            conditions.append("until < ?")
            arguments += [Timestamp.format(to)]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT total(dropped) AS dropped, count(DISTINCT CASE WHEN dropped > 0 THEN emitter END) AS emitters,
                               count(*) AS reports
                        FROM emitter_drops \(whereClause)
                        """,
                    arguments: arguments)
            else { return EmitterDropTotals() }
            return try EmitterDropTotals(
                dropped: Int(saturating: row[checked: "dropped"] as Double), emitters: row[checked: "emitters"], reports: row[checked: "reports"])
        }
    }

    /// The stored drop reports, newest (`until`) first.
    @available(*, noasync, message: "blocks on SQLite")
    public func dropReports(limit: Int = 100) throws(StoreError) -> [StoredDropReport] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, received_at, emitter, dropped, queue_full, spool_full, spool_unreadable, shutdown,
                           since, until
                    FROM emitter_drops ORDER BY until DESC, id DESC LIMIT ?
                    """,
                arguments: [limit]
            ).compactMap { row -> StoredDropReport? in
                // Every id the writer stores is a UUID; a row someone else wrote otherwise is skipped.
                guard let id = UUID(canonical: try row[checked: "id"]) else { return nil }
                let report = try DropReport(
                    id: id,
                    emitter: row[checked: "emitter"], dropped: row[checked: "dropped"], queueFull: row[checked: "queue_full"],
                    spoolFull: row[checked: "spool_full"], spoolUnreadable: row[checked: "spool_unreadable"], shutdown: row[checked: "shutdown"],
                    since: (row[checked: "since"] as String?).flatMap(Timestamp.parse),
                    until: Timestamp.parse(row[checked: "until"]) ?? Date(timeIntervalSince1970: 0))
                return StoredDropReport(report, receivedAt: Timestamp.parse(try row[checked: "received_at"]) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }
}
