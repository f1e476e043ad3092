import GRDB

extension ExecutionStore {
    /// Words of context a snippet shows around the matched terms.
    static let snippetWords = 14

    /// Refuses a filter's full-text query before it runs: an empty one, one on a store without an
    /// index, or one FTS5 cannot parse, each as one line that says what to do (never an SQL error).
    static func checkSearch(_ filter: ExecutionFilter, _ db: Database) throws {
        guard let query = filter.query else { return }
        if query.allSatisfy(\.isWhitespace) { throw StoreError.invalidSearchQuery(query, reason: "it has no words") }
        guard try SearchIndex.exists(in: db) else { throw StoreError.noSearchIndex }
        do {
            _ = try Row.fetchOne(
                db, sql: "SELECT rowid FROM \(SearchIndex.table) WHERE \(SearchIndex.table) MATCH ? LIMIT 1",
                arguments: [query])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            throw StoreError.invalidSearchQuery(query, reason: Self.searchErrorReason(error.message ?? "", query: query))
        }
    }

    /// FTS5's message, with the hint its most common causes need: a word before a colon names a
    /// column, and punctuation is query syntax (`gpt-4` reads as `gpt` and a column `4`).
    static func searchErrorReason(_ message: String, query: String) -> String {
        let reason = message.hasPrefix("fts5: ") ? String(message.dropFirst(6)) : message
        let quoteHint = #"put words with punctuation in double quotes, e.g. "gpt-4""#
        if reason.hasPrefix("no such column"), query.contains(":") {
            return reason + " (a word before a colon names a column: " + SearchIndex.columns.joined(separator: ", ")
                + "; " + quoteHint + ")"
        }
        if reason.hasPrefix("no such column") || reason.hasPrefix("syntax error") {
            return reason + " (" + quoteHint + ")"
        }
        return reason
    }

    /// The best snippet of each row's text for the query, its matches between `SearchSnippet`'s marks.
    static func snippets(rowids: [Int64], query: String, _ db: Database) throws -> [Int64: String] {
        guard !rowids.isEmpty else { return [:] }
        let placeholders = rowids.map { _ in "?" }.joined(separator: ", ")
        // FTS5 picks the best column (-1) by tokenizing every column of the row, the long messages
        // too: the response, short, is tried first, and is the snippet when it holds a match.
        func snippet(_ column: Int) -> String {
            "snippet(\(SearchIndex.table), \(column), '\(SearchSnippet.openMark)', '\(SearchSnippet.closeMark)', '…', \(Self.snippetWords))"
        }
        let response = snippet(SearchIndex.columns.firstIndex(of: "response") ?? -1)
        // FTS5 looks each rowid of an IN list up on its own, reading the term's whole list of rows
        // each time (10 ms for a word in every row): the page's range of rowids is read once instead,
        // and the `+` keeps the list to a filter, so that only the page's rows get a snippet.
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT rowid, CASE WHEN instr(\(response), '\(SearchSnippet.openMark)') > 0 THEN \(response) ELSE \(snippet(-1)) END
                    AS snippet
                FROM \(SearchIndex.table)
                WHERE \(SearchIndex.table) MATCH ? AND rowid >= ? AND rowid <= ? AND +rowid IN (\(placeholders))
                """,
            arguments: StatementArguments(
                [query, rowids.min() ?? 0, rowids.max() ?? 0] + rowids.map { $0 as any DatabaseValueConvertible }))
        var snippets: [Int64: String] = [:]
        for row in rows {
            if let snippet = try row[checked: "snippet"] as String? { snippets[try row[checked: "rowid"]] = snippet }
        }
        return snippets
    }
}

/// A search hit's snippet: a few words of the text around the matched terms, which are marked.
public struct SearchSnippet: Sendable, Equatable, Codable {
    /// What SQLite puts around each match: control characters that a stored text practically never holds.
    static let openMark = "\u{2}"
    static let closeMark = "\u{3}"

    public struct Segment: Sendable, Equatable, Codable {
        public var text: String
        /// True for a matched term.
        public var match: Bool

        public init(text: String, match: Bool) {
            self.text = text
            self.match = match
        }
    }

    /// The text in order, matched terms as their own segments. Line breaks and tabs are spaces: a
    /// snippet is one line.
    public var segments: [Segment]

    public init(segments: [Segment]) {
        self.segments = segments
    }

    init(marked: String) {
        var segments: [Segment] = []
        var current = ""
        var inMatch = false
        func flush() {
            if !current.isEmpty { segments.append(Segment(text: current, match: inMatch)) }
            current = ""
        }
        for character in marked {
            switch character {
            case "\u{2}":
                flush()
                inMatch = true
            case "\u{3}":
                flush()
                inMatch = false
            case let c where c.isNewline || c == "\t": current.append(" ")
            case let c where c.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }): continue
            default: current.append(character)
            }
        }
        flush()
        self.segments = segments
    }

    /// The snippet without marks.
    public var plainText: String { segments.map(\.text).joined() }

    /// JSON: the array of segments, `[{"text": "…", "match": false}, …]`.
    public init(from decoder: any Decoder) throws {
        segments = try decoder.singleValueContainer().decode([Segment].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(segments)
    }
}
