import ExecLogModel
import Foundation
import GRDB

extension ExecutionStore {
    /// One page of executions matching `filter`, newest first unless `order` says otherwise.
    ///
    /// Give `after` (the previous page's `nextCursor`) to page at any depth in constant time; `offset`
    /// is there for the original API's `skip` and for the orders other than time (``ListOrder``), and
    /// costs a walk over the skipped rows.
    @available(*, noasync, message: "blocks on SQLite")
    public func list(
        _ filter: ExecutionFilter = ExecutionFilter(), order: ListOrder = .newestFirst, limit: Int = 50, offset: Int = 0,
        after: ListCursor? = nil
    ) throws(StoreError) -> ExecutionPage {
        precondition(limit >= 0 && offset >= 0, "limit and offset are validated by callers")
        if after != nil, !order.pagesByCursor { throw .cursorNeedsTimeOrder }
        let (rows, snippets) = try read { db in
            try Self.checkSearch(filter, db)
            var (sql, arguments) = Self.listSQL(
                filter, order: order, after: after, searchDrives: try Self.searchHitsAreFew(filter, db))
            // One row more than asked tells whether a next page exists.
            arguments += [limit == Int.max ? limit : limit + 1, offset]
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            guard let query = filter.query else { return (rows, [Int64: String]()) }
            // Cut for the page's rows only: a snippet reads the row's text.
            let rowids = try rows.prefix(limit).map { row throws in try row[checked: "rowid"] as Int64 }
            return (rows, try Self.snippets(rowids: rowids, query: query, db))
        }
        var executions: [ExecutionSummary] = []
        for row in rows.prefix(limit) {
            var summary = try Self.summary(row)
            if filter.query != nil {
                summary.snippet = (snippets[try row[checked: "rowid"]]).map(SearchSnippet.init(marked:)) ?? SearchSnippet(segments: [])
            }
            executions.append(summary)
        }
        let hasMore = rows.count > limit
        return ExecutionPage(
            executions: executions, hasMore: hasMore,
            nextCursor: hasMore && order.pagesByCursor ? executions.last.map(ListCursor.init) : nil)
    }

    /// The execution with this id, or with the only id that starts with this prefix (like git's short hashes).
    @available(*, noasync, message: "blocks on SQLite")
    public func execution(_ idOrPrefix: String) throws(StoreError) -> Execution {
        try record(idOrPrefix).execution
    }

    /// The execution with this id (or unique prefix) and the cost stored with it.
    @available(*, noasync, message: "blocks on SQLite")
    public func record(_ idOrPrefix: String) throws(StoreError) -> ExecutionRecord {
        let key = idOrPrefix.lowercased()
        guard !key.isEmpty, key.count <= 36, key.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw .invalidID(idOrPrefix)
        }
        let rows = try read { db in
            // A long system prompt is in `system_prompts` (v6); `stored_system_prompt` fetches it.
            let columns = "*, (SELECT text FROM system_prompts WHERE id = system_prompt_id) AS stored_system_prompt"
            if UUID(canonical: key) != nil {
                return try Row.fetchAll(db, sql: "SELECT \(columns) FROM ai_executions WHERE id = ?", arguments: [key])
            }
            // A range on the primary key: an index seek, and 2 rows are enough to call it ambiguous.
            return try Row.fetchAll(
                db, sql: "SELECT \(columns) FROM ai_executions WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                arguments: [key, key + "g"])
        }
        guard let row = rows.first else { throw .executionNotFound(idOrPrefix) }
        guard rows.count == 1 else { throw .ambiguousPrefix(idOrPrefix, matches: rows.count) }
        return ExecutionRecord(execution: try Self.execution(row), cost: try CostColumns.cost(row))
    }

    /// How many executions the store holds (an index count: no row is read).
    @available(*, noasync, message: "blocks on SQLite")
    public func count(_ filter: ExecutionFilter = ExecutionFilter()) throws(StoreError) -> Int {
        let (conditions, arguments) = filter.sqlConditions
        return try read { db in
            try Self.checkSearch(filter, db)
            return try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM ai_executions"
                    + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")),
                arguments: arguments) ?? 0
        }
    }

    /// The query plan SQLite picks for a list: lets tests prove that no filter scans the table.
    @available(*, noasync, message: "blocks on SQLite")
    public func listQueryPlan(
        _ filter: ExecutionFilter, order: ListOrder = .newestFirst, after: ListCursor? = nil
    ) throws(StoreError) -> [String] {
        try read { db in
            var (sql, arguments) = Self.listSQL(
                filter, order: order, after: after, searchDrives: try Self.searchHitsAreFew(filter, db))
            arguments += [50, 0]
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] }
        }
    }

    /// Whether a search's hits are few enough to fetch them all and sort them by time, rather than
    /// walk the rows newest first and keep those that hit. Fetching costs about 2 µs a hit, walking
    /// about 0.15 µs a row, and a page of 50 walks 50 × rows / hits rows: the two meet near
    /// √(4 × rows) hits (2,000 on a million rows). Counting stops at that bound, so it is cheap.
    static func searchHitsAreFew(_ filter: ExecutionFilter, _ db: Database) throws -> Bool {
        guard let query = filter.query else { return true }
        let rows = try Int.fetchOne(db, sql: "SELECT max(rowid) FROM ai_executions") ?? 0
        let bound = max(200, Int((4 * Double(rows)).squareRoot()))
        let hits = try Int.fetchOne(
            db,
            sql: "SELECT count(*) FROM (SELECT 1 FROM \(SearchIndex.table) WHERE \(SearchIndex.table) MATCH ? LIMIT ?)",
            arguments: [query, bound]) ?? 0
        return hits < bound
    }

    /// The list query, ending with `LIMIT ? OFFSET ?` for the caller to bind.
    static func listSQL(
        _ filter: ExecutionFilter, order: ListOrder = .newestFirst, after: ListCursor?, searchDrives: Bool
    ) -> (String, StatementArguments) {
        var (conditions, arguments) = filter.sqlConditions(searchDrives: searchDrives)
        if let after {
            let (condition, values) = order.condition(after: after)
            conditions.append(condition)
            arguments += StatementArguments(values)
        }
        let sql = """
            SELECT \(summaryColumns)
            FROM ai_executions
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY \(order.sql)
            LIMIT ? OFFSET ?
            """
        return (sql, arguments)
    }

    /// What `summary` reads: the front of the row (and the trace columns), never its text.
    static let summaryColumns = """
        rowid, id, usage_type, provider, model_name, input_tokens, output_tokens, total_tokens,
        error_message, created_at, execution_time_ms, cost_nano_usd, cost_source, trace_id, session_id, user_id
        """

    static func summary(_ row: Row) throws(StoreError) -> ExecutionSummary {
        try ExecutionSummary(
            id: row[checked: "id"], usageType: row[checked: "usage_type"], provider: row[checked: "provider"],
            modelName: row[checked: "model_name"], inputTokens: row[checked: "input_tokens"],
            outputTokens: row[checked: "output_tokens"], totalTokens: row[checked: "total_tokens"],
            errorMessage: row[checked: "error_message"], createdAt: row[checked: "created_at"],
            executionTimeMs: row[checked: "execution_time_ms"], costNanoUSD: row[checked: "cost_nano_usd"],
            costSource: row[checked: "cost_source"], traceID: row[checked: "trace_id"],
            sessionID: row[checked: "session_id"], userID: row[checked: "user_id"])
    }

    /// The execution of a row; a row that does not hold one (edited by hand) is an error naming it.
    static func execution(_ row: Row) throws(StoreError) -> Execution {
        let id: String = (try? row[checked: "id"]) ?? "?"
        do {
            return try decodeExecution(row)
        } catch {
            throw .database("execution \(id): \(error.description.replacingOccurrences(of: "database error: ", with: ""))")
        }
    }

    /// Reads every field from its column (`Execution.visitFields`), a long system prompt from `system_prompts`.
    private static func decodeExecution(_ row: Row) throws(StoreError) -> Execution {
        var execution = Execution(id: Execution.placeholderID, usageType: "", provider: "", modelName: "")
        var reader = ColumnReader(row: row)
        try execution.visitFields(&reader)
        // Since v6 a long prompt is stored once: the row's own column is NULL then.
        if execution.systemPrompt == nil { execution.systemPrompt = try row[checked: "stored_system_prompt"] }
        return execution
    }
}

/// Reads each field from its column, by its kind.
private struct ColumnReader: ExecutionFieldVisitor {
    typealias Failure = StoreError
    let row: Row

    private func json(_ column: String) throws(StoreError) -> JSONValue? {
        guard let text: String = try row[checked: column] else { return nil }
        do {
            return try JSONValue.parse(text)
        } catch {
            throw .database("column \(column) does not hold valid JSON")
        }
    }

    private func uuid(_ column: String) throws(StoreError) -> UUID? {
        guard let text: String = try row[checked: column] else { return nil }
        guard let uuid = UUID(canonical: text) else { throw .database("column \(column) does not hold a UUID") }
        return uuid
    }

    mutating func id(_ name: StaticString, _ value: inout UUID) throws(StoreError) {
        guard let id = try uuid(name.description) else { throw .database("column id is NULL") }
        value = id
    }

    mutating func uuid(_ name: StaticString, _ value: inout UUID?) throws(StoreError) { value = try uuid(name.description) }
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) throws(StoreError) {
        value = try row[checked: name.description]
    }
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) throws(StoreError) {
        value = try row[checked: name.description]
    }
    mutating func count(_ name: StaticString, _ value: inout Int?) throws(StoreError) { value = try row[checked: name.description] }
    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) throws(StoreError) { value = try row[checked: name.description] }

    mutating func time(_ name: StaticString, _ value: inout Date) throws(StoreError) {
        let column = name.description
        guard let date = Timestamp.parse(try row[checked: column]) else {
            throw .database("column \(column) does not hold an RFC 3339 time")
        }
        value = date
    }

    mutating func tags(_ name: StaticString, _ value: inout [String]) throws(StoreError) {
        if case .array(let values)? = try json(name.description) { value = values.compactMap(\.stringValue) }
    }

    mutating func object(_ name: StaticString, _ value: inout JSONValue?) throws(StoreError) { value = try json(name.description) }

    mutating func messages(_ name: StaticString, _ value: inout JSONValue) throws(StoreError) {
        value = try json(name.description) ?? .array([])
    }
}
