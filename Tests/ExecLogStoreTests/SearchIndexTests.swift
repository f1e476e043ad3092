import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

/// The full-text index (docs/SEARCH.md): what it holds, how it follows every change to the rows, how an
/// existing store gets it, and how a query it cannot read is answered.
@Suite struct SearchIndexTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    /// One execution with `words` in the field `field` and neutral text elsewhere.
    static func execution(_ minute: Int, response: String? = "A plain answer.", input: JSONValue? = nil,
                          system: String? = nil, error: String? = nil) -> Execution {
        Execution(
            id: .v7(at: start.addingTimeInterval(Double(minute) * 60)), usageType: "general",
            inputMessages: input ?? [["role": "user", "content": "A plain question."]], systemPrompt: system,
            responseContent: error == nil ? response : nil, inputTokens: 10, outputTokens: 5, provider: "openai",
            modelName: "gpt-5", errorMessage: error, createdAt: start.addingTimeInterval(Double(minute) * 60))
    }

    static let longSystemPrompt = "You are the archivist of the lighthouse. " + String(repeating: "Keep every record. ", count: 30)

    /// Executions whose texts each hold one distinctive word, in a different place.
    static let executions: [Execution] = [
        execution(1, response: "The cache was warm, said the zebra."),
        execution(2, input: [
            ["role": "system", "content": "ignored"],
            ["role": "user", "content": [
                ["type": "text", "text": "Describe this giraffe picture."],
                ["type": "image", "source": ["type": "base64", "media_type": "image/png", "data": "QUJDREVGR0hJSktM"]],
            ]],
            ["role": "assistant", "tool_calls": [["id": "call_77", "type": "function",
                "function": ["name": "lookup", "arguments": "{\"animal\":\"okapi\"}"]]]],
        ]),
        execution(3, system: longSystemPrompt),
        execution(4, system: "Short prompt about a narwhal."),
        execution(5, error: "timeout: the upstream took longer than 60s"),
        execution(6, response: "Crème brûlée with a timeout of its own."),
    ]

    static func makeStore() throws -> (TemporaryFolder, ExecutionStore) {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.insert(executions)
        return (folder, store)
    }

    func hits(_ store: ExecutionStore, _ query: String) throws -> [String] {
        try store.list(ExecutionFilter(query: query), limit: 100).executions.map(\.id)
    }

    func id(_ index: Int) -> String { Self.executions[index].idString }

    /// The index holds exactly what the rows say: FTS5's check of its own structure, then every token
    /// instance (term, row, column, position) compared with an index made afresh from the rows' text.
    /// (FTS5's check against the content cannot read a view that calls json_tree.)
    static func checkIntegrity(_ path: String) throws {
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                INSERT INTO ai_executions_search(ai_executions_search, rank) VALUES ('integrity-check', 0);
                CREATE VIRTUAL TABLE temp.fresh USING fts5(system_prompt, input, response, error,
                    tokenize='unicode61 remove_diacritics 2');
                INSERT INTO temp.fresh(rowid, system_prompt, input, response, error)
                    SELECT execution_rowid, system_prompt, input, response, error FROM ai_executions_search_source;
                CREATE VIRTUAL TABLE temp.kept_terms USING fts5vocab(main, ai_executions_search, instance);
                CREATE VIRTUAL TABLE temp.fresh_terms USING fts5vocab(temp, fresh, instance);
                """)
            let missing = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT * FROM fresh_terms EXCEPT SELECT * FROM kept_terms)")
            let extra = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT * FROM kept_terms EXCEPT SELECT * FROM fresh_terms)")
            let kept = try Int.fetchOne(db, sql: "SELECT count(*) FROM kept_terms") ?? 0
            #expect(missing == 0 && extra == 0, "the index lacks \(missing ?? -1) token instances and has \(extra ?? -1) too many")
            #expect(kept > 0)
        }
    }

    @Test func eachTextIsFoundByItsWordsAndNothingElse() throws {
        let (folder, store) = try Self.makeStore()
        #expect(try hits(store, "zebra") == [id(0)])
        #expect(try hits(store, "giraffe") == [id(1)])
        #expect(try hits(store, "okapi") == [id(1)], "tool call arguments are text")
        #expect(try hits(store, "lighthouse") == [id(2)], "a long system prompt stored once is indexed with its row")
        #expect(try hits(store, "narwhal") == [id(3)])
        #expect(try hits(store, "upstream") == [id(4)])
        // Roles, part types, ids and base64 data are structure, not text.
        #expect(try hits(store, "QUJDREVGR0hJSktM").isEmpty)
        #expect(try hits(store, "base64").isEmpty)
        #expect(try hits(store, "call_77").isEmpty)
        #expect(try hits(store, "assistant").isEmpty)
        // Newest first; case and accents ignored; prefixes, phrases, boolean operators, columns.
        #expect(try hits(store, "TIMEOUT") == [id(5), id(4)])
        #expect(try hits(store, "creme brulee") == [id(5)])
        #expect(try hits(store, "zeb*") == [id(0)])
        #expect(try hits(store, "\"said the zebra\"") == [id(0)])
        #expect(try hits(store, "\"the zebra said\"").isEmpty)
        #expect(try hits(store, "zebra OR narwhal") == [id(3), id(0)])
        #expect(try hits(store, "timeout NOT upstream") == [id(5)])
        #expect(try hits(store, "error:timeout") == [id(4)])
        #expect(try hits(store, "response:timeout") == [id(5)])
        #expect(try hits(store, "input:giraffe") == [id(1)])
        #expect(try hits(store, "system_prompt:narwhal") == [id(3)])
        #expect(try hits(store, "response:narwhal").isEmpty)
        #expect(try store.count(ExecutionFilter(query: "timeout")) == 2)
        try Self.checkIntegrity(folder.path("s.db"))
    }

    @Test func aHitCarriesASnippetWithItsMatchMarked() throws {
        let (folder, store) = try Self.makeStore()
        defer { withExtendedLifetime(folder) {} }
        let hit = try #require(try store.list(ExecutionFilter(query: "zebra")).executions.first)
        let snippet = try #require(hit.snippet)
        #expect(snippet.segments.filter(\.match).map(\.text) == ["zebra"])
        #expect(snippet.plainText == "The cache was warm, said the zebra.")
        // A plain list has no snippet.
        #expect(try store.list().executions.allSatisfy { $0.snippet == nil })
    }

    @Test(arguments: [
        ("gpt-4", "put words with punctuation in double quotes"),
        ("\"unclosed", "unterminated string"),
        ("nowhere:thing", "a word before a colon names a column: system_prompt, input, response, error"),
        ("zebra AND", "syntax error"),
        ("   ", "it has no words"),
    ])
    func aQueryTheIndexCannotReadIsOneClearError(_ query: String, _ expected: String) throws {
        let (folder, store) = try Self.makeStore()
        defer { withExtendedLifetime(folder) {} }
        for attempt in [
            { _ = try store.list(ExecutionFilter(query: query)) }, { _ = try store.stats(ExecutionFilter(query: query)) },
            { _ = try store.count(ExecutionFilter(query: query)) },
        ] as [() throws -> Void] {
            #expect {
                try attempt()
            } throws: { error in
                guard case .invalidSearchQuery(let text, let reason)? = error as? StoreError else { return false }
                let line = (error as? StoreError)?.description ?? ""
                return text == query && reason.contains(expected) && !line.contains("\n") && !line.contains("SQL")
            }
        }
        // Quoted, the same words are found.
        #expect(try hits(store, "\"gpt 4\"").isEmpty)
    }

    @Test func deletesUpdatesAndPrunesTakeRowsOutOfTheIndex() throws {
        let (folder, store) = try Self.makeStore()
        try store.delete(id(0))
        #expect(try hits(store, "zebra").isEmpty)
        // A long system prompt's row goes, and with it the prompt's words, though the prompt row is shared.
        try store.delete(id(2))
        #expect(try hits(store, "lighthouse").isEmpty)
        // An edit in the sqlite3 shell moves the index with it.
        try DatabaseQueue(path: folder.path("s.db")).write { db in
            try db.execute(sql: "UPDATE ai_executions SET response_content = 'An ocelot now.' WHERE id = ?", arguments: [id(5)])
            try db.execute(sql: "DELETE FROM ai_executions WHERE id = ?", arguments: [id(3)])
        }
        #expect(try hits(store, "ocelot") == [id(5)])
        #expect(try hits(store, "brulee").isEmpty)
        #expect(try hits(store, "narwhal").isEmpty)
        let pruned = try store.prune(olderThan: Self.start.addingTimeInterval(5 * 60 + 1))
        #expect(pruned == 2)
        #expect(try hits(store, "upstream OR giraffe").isEmpty)
        #expect(try hits(store, "ocelot") == [id(5)])
        try Self.checkIntegrity(folder.path("s.db"))
    }

    @Test func anExistingStoreIsIndexedAfterTheFactWhileItKeepsWorking() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("s.db")
        let store = try ExecutionStore(path: path, mode: .create)
        // As a store of v8 was: rows, no index.
        #expect(try store.setSearchIndex(enabled: false))
        #expect(throws: StoreError.noSearchIndex) { try store.list(ExecutionFilter(query: "zebra")) }
        try store.insert(Self.executions)
        #expect(try store.setSearchIndex(enabled: true))
        #expect(try store.searchIndexState() == .building(remainingRows: Self.executions.count))
        #expect(try hits(store, "zebra").isEmpty, "not indexed yet")
        // While the backfill waits: a new row is indexed at once, a deleted one never was, an edited one
        // is indexed as it is when the backfill reaches it.
        try store.insert([Self.execution(7, response: "A late quokka.")])
        #expect(try hits(store, "quokka").count == 1)
        try store.delete(id(0))
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE ai_executions SET response_content = 'Now a tapir.' WHERE id = ?", arguments: [id(5)])
        }
        var reports: [Int] = []
        let remaining = try store.buildSearchIndex(maxChunks: 1)
        #expect(remaining == 0, "six rows fit one chunk")
        try store.buildSearchIndex { reports.append($0) }
        #expect(reports == [0])
        #expect(try store.searchIndexState() == .ready)
        #expect(try hits(store, "zebra").isEmpty)
        #expect(try hits(store, "tapir") == [id(5)])
        #expect(try hits(store, "giraffe") == [id(1)])
        #expect(try hits(store, "quokka").count == 1)
        try Self.checkIntegrity(path)
        // A reset empties it and the backfill fills it again, to the same answers.
        try store.resetSearchIndex()
        #expect(try hits(store, "giraffe").isEmpty)
        try store.buildSearchIndex()
        #expect(try hits(store, "giraffe") == [id(1)])
        try Self.checkIntegrity(path)
    }

    @Test func aBackfillOfManyRowsGoesInShortChunksAndReportsProgress() throws {
        let folder = try TemporaryFolder()
        let store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        try store.setSearchIndex(enabled: false)
        try store.insert(Fixtures.executions(1_500, errorRatio: 0.2))
        try store.setSearchIndex(enabled: true)
        var reports: [Int] = []
        try store.buildSearchIndex(budget: .zero) { reports.append($0) }
        // A zero budget still indexes one slice per chunk: it always progresses.
        #expect(reports.count == 15)
        #expect(reports == reports.sorted(by: >) && reports.last == 0)
        #expect(try store.count(ExecutionFilter(query: "incident")) == Fixtures.executions(1_500, errorRatio: 0.2).filter {
            QueryTests.says($0, word: "incident")
        }.count)
        try Self.checkIntegrity(folder.path("s.db"))
    }

    @Test func withoutTheIndexEverythingButSearchWorks() throws {
        let (folder, store) = try Self.makeStore()
        defer { withExtendedLifetime(folder) {} }
        #expect(try store.setSearchIndex(enabled: false))
        #expect(try !store.setSearchIndex(enabled: false), "already off")
        #expect(try store.searchIndexState() == .absent)
        try store.insert([Self.execution(8)])
        try store.delete(id(1))
        #expect(try store.count() == Self.executions.count)
        #expect(throws: StoreError.noSearchIndex) { try store.stats(ExecutionFilter(query: "zebra")) }
        #expect(StoreError.noSearchIndex.description.contains("--no-search-index"))
    }
}
