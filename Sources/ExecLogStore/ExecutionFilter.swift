import ExecLogModel
import Foundation
import GRDB

/// The filters shared by list, search, stats and the dashboard. Every field narrows the result; nil
/// means "any".
public struct ExecutionFilter: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case ok
        case error
    }

    public var usageType: String?
    public var provider: String?
    public var modelName: String?
    public var status: Status?
    /// Inclusive lower bound of `created_at`.
    public var from: Date?
    /// Exclusive upper bound of `created_at`.
    public var to: Date?
    public var traceID: String?
    public var sessionID: String?
    public var userID: String?
    /// One of the execution's tags.
    public var tag: String?
    /// A full-text query in FTS5's language (docs/SEARCH.md), matched against the search index.
    public var query: String?

    public init(
        usageType: String? = nil, provider: String? = nil, modelName: String? = nil, status: Status? = nil,
        from: Date? = nil, to: Date? = nil, traceID: String? = nil, sessionID: String? = nil,
        userID: String? = nil, tag: String? = nil, query: String? = nil
    ) {
        self.usageType = usageType
        self.provider = provider
        self.modelName = modelName
        self.status = status
        self.from = from
        self.to = to
        self.traceID = traceID
        self.sessionID = sessionID
        self.userID = userID
        self.tag = tag
        self.query = query
    }

    /// True when a field is set that the rollups do not break down by (trace, session, user, tag,
    /// search): stats then sum the matching rows themselves, found through their indexes.
    public var needsRows: Bool {
        traceID != nil || sessionID != nil || userID != nil || tag != nil || query != nil
    }

    /// SQL conditions on `ai_executions` and their arguments; empty when there is nothing to filter.
    var sqlConditions: (conditions: [String], arguments: StatementArguments) { sqlConditions(searchDrives: true) }

    /// With `searchDrives` false, the search's condition cannot be used to find rows (its `rowid` is
    /// written `+rowid`): SQLite then walks an index in time order and checks each row against the
    /// search's hits, which stops early when hits are many (`ExecutionStore.list`).
    func sqlConditions(searchDrives: Bool) -> (conditions: [String], arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        let equalities: [(column: String, value: String?)] = [
            ("usage_type", usageType), ("provider", provider), ("model_name", modelName),
            ("trace_id", traceID), ("session_id", sessionID), ("user_id", userID),
        ]
        for (column, value) in equalities {
            guard let value else { continue }
            conditions.append("\(column) = ?")
            arguments += [value]
        }
        switch status {
        case .ok: conditions.append("error_message IS NULL")
        case .error: conditions.append("error_message IS NOT NULL")
        case nil: break
        }
        if let from {
            conditions.append("created_at >= ?")
            arguments += [Timestamp.format(from)]
        }
        if let to {
            conditions.append("created_at < ?")
            arguments += [Timestamp.format(to)]
        }
        if let tag {
            // `tags IS NOT NULL` first: the partial index of tagged rows (v9) finds them without a scan.
            conditions.append(
                "tags IS NOT NULL AND json_valid(tags) AND EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)")
            arguments += [tag]
        }
        if let query {
            conditions.append(
                "\(searchDrives ? "" : "+")rowid IN (SELECT rowid FROM \(SearchIndex.table) WHERE \(SearchIndex.table) MATCH ?)")
            arguments += [query]
        }
        return (conditions, arguments)
    }
}
