import GRDB

/// The full-text index over what executions say (docs/SEARCH.md): an SQLite FTS5 table whose content
/// is read from `ai_executions` through a view, so that the index holds only its terms, never a second
/// copy of the text.
///
/// Triggers keep it in step with the rows, in the same transaction, whoever writes them: the writer,
/// `execlog delete`, retention, or the sqlite3 shell. An existing store's rows are indexed after the
/// fact, a few at a time (`ExecutionStore.buildSearchIndex`): `search_index_backfill` holds the range
/// of rowids still to do, and the triggers leave the rows of that range to the backfill, so that
/// each row is indexed exactly once.
enum SearchIndex {
    static let table = "ai_executions_search"
    static let sourceView = "ai_executions_search_source"
    static let backfillTable = "search_index_backfill"

    /// The indexed columns, as a query names them (`response:timeout`).
    static let columns = ["system_prompt", "input", "response", "error"]

    /// Keys of `input_messages` whose string values are structure, ids or binary data (roles, part
    /// types, tool call ids, base64 images), not text anyone searches for: left out of `input`.
    static let structuralKeys = [
        "role", "type", "id", "tool_call_id", "tool_use_id", "media_type", "mime_type", "data", "url",
        "signature", "file_id",
    ]

    /// The view the index reads its text from: what each row says, by column. `input` is every string
    /// in the messages but the values of `structuralKeys`, one per line; a long system prompt comes
    /// from `system_prompts`. Also what snippets are cut from.
    static var createViewSQL: String {
        let keys = structuralKeys.map { "'\($0)'" }.joined(separator: ", ")
        return """
            CREATE VIEW \(sourceView) AS
                SELECT e.rowid AS execution_rowid,
                    coalesce(e.system_prompt, p.text) AS system_prompt,
                    CASE WHEN json_valid(e.input_messages) THEN (
                        SELECT group_concat(value, char(10)) FROM json_tree(e.input_messages)
                        WHERE type = 'text' AND (key IS NULL OR key NOT IN (\(keys)))
                    ) END AS input,
                    e.response_content AS response,
                    e.error_message AS error
                FROM ai_executions AS e LEFT JOIN system_prompts AS p ON p.id = e.system_prompt_id
            """
    }

    /// Rows of the index, read from the view: `rows` is a condition on `execution_rowid`. With
    /// `delete`, FTS5's command that takes them out again (it needs the text it indexed).
    static func indexRowsSQL(_ rows: String, delete: Bool = false) -> String {
        let columnList = columns.joined(separator: ", ")
        return """
            INSERT INTO \(table)(\(delete ? table + ", " : "")rowid, \(columnList))
                SELECT \(delete ? "'delete', " : "")execution_rowid, \(columnList) FROM \(sourceView) WHERE \(rows)
            """
    }

    /// True while the backfill still has to index the row with this rowid (`NEW.rowid`, `OLD.rowid`).
    private static func leftToBackfill(_ rowid: String) -> String {
        "EXISTS (SELECT 1 FROM \(backfillTable) WHERE \(rowid) BETWEEN next_rowid AND end_rowid)"
    }

    /// Creates the index and its triggers, with every row already stored left to the backfill.
    static func create(in db: Database) throws {
        let columnList = columns.joined(separator: ", ")
        try db.execute(
            sql: """
                \(createViewSQL);
                CREATE VIRTUAL TABLE \(table) USING fts5(\(columnList),
                    content='\(sourceView)', content_rowid='execution_rowid',
                    tokenize='unicode61 remove_diacritics 2');
                CREATE TABLE \(backfillTable) (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    next_rowid INTEGER NOT NULL,
                    end_rowid INTEGER NOT NULL
                );
                INSERT INTO \(backfillTable) (id, next_rowid, end_rowid)
                    SELECT 1, min(rowid), max(rowid) FROM ai_executions HAVING count(*) > 0;
                CREATE TRIGGER ai_executions_search_insert AFTER INSERT ON ai_executions
                WHEN NOT \(leftToBackfill("NEW.rowid")) BEGIN
                    \(indexRowsSQL("execution_rowid = NEW.rowid"));
                END;
                -- Before: the row is still there for the view to read the text that goes out.
                CREATE TRIGGER ai_executions_search_delete BEFORE DELETE ON ai_executions
                WHEN NOT \(leftToBackfill("OLD.rowid")) BEGIN
                    \(indexRowsSQL("execution_rowid = OLD.rowid", delete: true));
                END;
                CREATE TRIGGER ai_executions_search_update_before
                BEFORE UPDATE OF system_prompt, system_prompt_id, input_messages, response_content, error_message
                ON ai_executions WHEN NOT \(leftToBackfill("OLD.rowid")) BEGIN
                    \(indexRowsSQL("execution_rowid = OLD.rowid", delete: true));
                END;
                CREATE TRIGGER ai_executions_search_update_after
                AFTER UPDATE OF system_prompt, system_prompt_id, input_messages, response_content, error_message
                ON ai_executions WHEN NOT \(leftToBackfill("NEW.rowid")) BEGIN
                    \(indexRowsSQL("execution_rowid = NEW.rowid"));
                END;
                """)
    }

    /// Removes the index, its triggers and its view (`execlogd --no-search-index`).
    static func drop(in db: Database) throws {
        try db.execute(
            sql: """
                DROP TRIGGER IF EXISTS ai_executions_search_insert;
                DROP TRIGGER IF EXISTS ai_executions_search_delete;
                DROP TRIGGER IF EXISTS ai_executions_search_update_before;
                DROP TRIGGER IF EXISTS ai_executions_search_update_after;
                DROP TABLE IF EXISTS \(table);
                DROP TABLE IF EXISTS \(backfillTable);
                DROP VIEW IF EXISTS \(sourceView);
                """)
    }

    static func exists(in db: Database) throws -> Bool {
        try db.tableExists(table)
    }

    /// Indexes the rows of the backfill's next `count` rowids; returns how many rowids remain.
    static func backfill(count: Int, in db: Database) throws -> Int {
        guard let row = try Row.fetchOne(db, sql: "SELECT next_rowid, end_rowid FROM \(backfillTable)") else { return 0 }
        let next: Int64 = try row[checked: "next_rowid"]
        let end: Int64 = try row[checked: "end_rowid"]
        let last = min(end, next.addingReportingOverflow(Int64(count) - 1).partialValue)
        try db.execute(sql: indexRowsSQL("execution_rowid BETWEEN ? AND ?"), arguments: [next, last])
        if last >= end {
            try db.execute(sql: "DELETE FROM \(backfillTable)")
            return 0
        }
        try db.execute(sql: "UPDATE \(backfillTable) SET next_rowid = ?", arguments: [last + 1])
        return Int(end - last)
    }
}
