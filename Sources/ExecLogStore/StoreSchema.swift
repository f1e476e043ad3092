import GRDB

/// The store's schema, one migration per version. The table and column names are a public contract
/// (docs/STORE.md): people query them with the sqlite3 shell. Never edit a registered migration;
/// add a new one and document it.
enum StoreSchema {
    /// `PRAGMA application_id`: marks a SQLite file as an execlog store ("EXLG").
    static let applicationID: Int32 = 0x4558_4C47

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // Small columns first, large text last: listing reads only the front of each row,
            // so a 1 MB prompt never costs a listing its overflow pages.
            try db.execute(
                sql: """
                    CREATE TABLE ai_executions (
                        id TEXT PRIMARY KEY NOT NULL,
                        created_at TEXT NOT NULL,
                        usage_type TEXT NOT NULL,
                        provider TEXT NOT NULL,
                        model_name TEXT NOT NULL,
                        input_tokens INTEGER,
                        output_tokens INTEGER,
                        total_tokens INTEGER,
                        execution_time_ms INTEGER,
                        temperature REAL,
                        max_tokens INTEGER,
                        error_message TEXT,
                        ai_model_id TEXT,
                        execution_metadata TEXT,
                        system_prompt TEXT,
                        input_messages TEXT NOT NULL,
                        response_content TEXT
                    );
                    -- Newest first, unfiltered and by each filter: every list page is an index walk.
                    CREATE INDEX ai_executions_created_at ON ai_executions(created_at);
                    CREATE INDEX ai_executions_usage_type_created_at ON ai_executions(usage_type, created_at);
                    CREATE INDEX ai_executions_provider_created_at ON ai_executions(provider, created_at);
                    CREATE INDEX ai_executions_model_name_created_at ON ai_executions(model_name, created_at);
                    CREATE INDEX ai_executions_errors_created_at ON ai_executions(created_at)
                        WHERE error_message IS NOT NULL;
                    -- Covers every column stats reads, so stats never touches the rows themselves.
                    CREATE INDEX ai_executions_stats ON ai_executions(
                        created_at, provider, usage_type, model_name, error_message,
                        input_tokens, output_tokens, total_tokens, execution_time_ms);

                    CREATE TABLE dead_letters (
                        id INTEGER PRIMARY KEY,
                        received_at TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        event_id TEXT,
                        payload_size INTEGER NOT NULL,
                        payload BLOB NOT NULL
                    );
                    CREATE INDEX dead_letters_received_at ON dead_letters(received_at);
                    """)
        }
        migrator.registerMigration("v2") { db in
            // Fields that current observability tools carry (traces, sessions, users, caching, streaming).
            try db.execute(
                sql: """
                    ALTER TABLE ai_executions ADD COLUMN trace_id TEXT;
                    ALTER TABLE ai_executions ADD COLUMN session_id TEXT;
                    ALTER TABLE ai_executions ADD COLUMN user_id TEXT;
                    ALTER TABLE ai_executions ADD COLUMN tags TEXT;
                    ALTER TABLE ai_executions ADD COLUMN cached_input_tokens INTEGER;
                    ALTER TABLE ai_executions ADD COLUMN finish_reason TEXT;
                    ALTER TABLE ai_executions ADD COLUMN time_to_first_token_ms INTEGER;
                    CREATE INDEX ai_executions_trace_id ON ai_executions(trace_id) WHERE trace_id IS NOT NULL;
                    CREATE INDEX ai_executions_session_id ON ai_executions(session_id) WHERE session_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v3") { db in
            // Drop reports from emitters, so that executions that never reached the writer are still on
            // record (docs/PROTOCOL.md, `report`). One row per report; its id makes a resend a duplicate.
            try db.execute(
                sql: """
                    CREATE TABLE emitter_drops (
                        id TEXT PRIMARY KEY NOT NULL,
                        received_at TEXT NOT NULL,
                        emitter TEXT NOT NULL,
                        dropped INTEGER NOT NULL,
                        queue_full INTEGER NOT NULL,
                        spool_full INTEGER NOT NULL,
                        spool_unreadable INTEGER NOT NULL,
                        shutdown INTEGER NOT NULL,
                        since TEXT,
                        until TEXT NOT NULL
                    );
                    -- Stats sum drops over a time window and retention deletes by age: both by `until`.
                    CREATE INDEX emitter_drops_until ON emitter_drops(until);
                    """)
        }
        migrator.registerMigration("v4") { db in
            // Hourly rollups, maintained with every insert and delete (ExecutionRollups): stats read them
            // instead of scanning rows, whatever the store's size. They replace the covering index
            // ai_executions_stats, which cost about a fifth of the file.
            try db.execute(sql: ExecutionRollups.Level.hourly.createTableSQL)
            try ExecutionRollups.rebuild(in: db, levels: [.hourly], costs: false)
            try db.execute(sql: "DROP INDEX ai_executions_stats")
        }
        migrator.registerMigration("v5") { db in
            // Daily rollups beside the hourly ones, maintained in the same transactions: stats over a
            // long range read a row per day and group instead of one per hour (a year of hours is
            // hundreds of thousands of rows). Filled from the hourly table, which holds the same totals.
            try db.execute(sql: ExecutionRollups.Level.daily.createTableSQL)
            try ExecutionRollups.buildDailyFromHourly(in: db, costs: false)
        }
        migrator.registerMigration("v6") { db in
            // Long system prompts stored once (SystemPrompts): a fleet sends the same few with every
            // call. New rows point at them; rows stored before keep theirs inline. The view reads both.
            try db.execute(
                sql: """
                    CREATE TABLE system_prompts (
                        id INTEGER PRIMARY KEY,
                        hash INTEGER NOT NULL,
                        text TEXT NOT NULL
                    );
                    CREATE INDEX system_prompts_hash ON system_prompts(hash);
                    ALTER TABLE ai_executions ADD COLUMN system_prompt_id INTEGER REFERENCES system_prompts(id);
                    CREATE INDEX ai_executions_system_prompt_id ON ai_executions(system_prompt_id)
                        WHERE system_prompt_id IS NOT NULL;
                    CREATE VIEW ai_executions_full AS
                        SELECT e.id, e.created_at, e.usage_type, e.provider, e.model_name, e.input_tokens,
                            e.output_tokens, e.total_tokens, e.execution_time_ms, e.temperature, e.max_tokens,
                            e.error_message, e.ai_model_id, e.execution_metadata,
                            coalesce(e.system_prompt, p.text) AS system_prompt,
                            e.input_messages, e.response_content, e.trace_id, e.session_id, e.user_id, e.tags,
                            e.cached_input_tokens, e.finish_reason, e.time_to_first_token_ms
                        FROM ai_executions AS e LEFT JOIN system_prompts AS p ON p.id = e.system_prompt_id;
                    """)
        }
        migrator.registerMigration("v7") { db in
            // Dead letters are bounded (retention and a size cap, kept by the writer): their count and
            // bytes (payload and reason) are kept by triggers, so that a check is one row, never a scan,
            // and stays right when rows are deleted from the sqlite3 shell. The size is written out, as
            // a migration's text never changes; `DeadLetter.sizeSQL` says the same (a test checks it).
            try db.execute(
                sql: """
                    CREATE TABLE dead_letter_totals (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        count INTEGER NOT NULL,
                        bytes INTEGER NOT NULL
                    );
                    INSERT INTO dead_letter_totals (id, count, bytes)
                        SELECT 1, count(*), coalesce(sum(length(payload) + length(CAST(reason AS BLOB))), 0)
                        FROM dead_letters;
                    CREATE TRIGGER dead_letters_counted_on_insert AFTER INSERT ON dead_letters BEGIN
                        UPDATE dead_letter_totals SET count = count + 1, bytes = bytes + (length(NEW.payload) + length(CAST(NEW.reason AS BLOB)))
                        WHERE id = 1;
                    END;
                    CREATE TRIGGER dead_letters_counted_on_delete AFTER DELETE ON dead_letters BEGIN
                        UPDATE dead_letter_totals SET count = count - 1, bytes = bytes - (length(OLD.payload) + length(CAST(OLD.reason AS BLOB)))
                        WHERE id = 1;
                    END;
                    CREATE TRIGGER dead_letters_counted_on_update AFTER UPDATE OF payload, reason ON dead_letters BEGIN
                        UPDATE dead_letter_totals
                        SET bytes = bytes - (length(OLD.payload) + length(CAST(OLD.reason AS BLOB)))
                            + (length(NEW.payload) + length(CAST(NEW.reason AS BLOB)))
                        WHERE id = 1;
                    END;
                    """)
        }
        migrator.registerMigration("v8") { db in
            // Cost (docs/COST.md): the usage fields that price it, the caller's own amount, and the cost
            // the writer computes at ingest, by component, in integer nanodollars so that sums are exact.
            // Rows stored before have no cost yet (`cost_source` NULL) and count as unpriced in the
            // rollups until `execlog reprice` prices them.
            try db.execute(
                sql: """
                    ALTER TABLE ai_executions ADD COLUMN cache_creation_input_tokens INTEGER;
                    ALTER TABLE ai_executions ADD COLUMN reasoning_tokens INTEGER;
                    ALTER TABLE ai_executions ADD COLUMN cost_usd REAL;
                    ALTER TABLE ai_executions ADD COLUMN input_cost_nano_usd INTEGER;
                    ALTER TABLE ai_executions ADD COLUMN cached_input_cost_nano_usd INTEGER;
                    ALTER TABLE ai_executions ADD COLUMN cache_write_cost_nano_usd INTEGER;
                    ALTER TABLE ai_executions ADD COLUMN output_cost_nano_usd INTEGER;
                    ALTER TABLE ai_executions ADD COLUMN cost_nano_usd INTEGER;
                    ALTER TABLE ai_executions ADD COLUMN cost_source TEXT;
                    ALTER TABLE ai_executions ADD COLUMN price_ref TEXT;
                    ALTER TABLE execution_rollups ADD COLUMN cost_nano_usd INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE execution_rollups ADD COLUMN unpriced_executions INTEGER NOT NULL DEFAULT 0;
                    UPDATE execution_rollups SET unpriced_executions = executions;
                    ALTER TABLE execution_rollups_daily ADD COLUMN cost_nano_usd INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE execution_rollups_daily ADD COLUMN unpriced_executions INTEGER NOT NULL DEFAULT 0;
                    UPDATE execution_rollups_daily SET unpriced_executions = executions;
                    DROP VIEW ai_executions_full;
                    CREATE VIEW ai_executions_full AS
                        SELECT e.id, e.created_at, e.usage_type, e.provider, e.model_name, e.input_tokens,
                            e.output_tokens, e.total_tokens, e.execution_time_ms, e.temperature, e.max_tokens,
                            e.error_message, e.ai_model_id, e.execution_metadata,
                            coalesce(e.system_prompt, p.text) AS system_prompt,
                            e.input_messages, e.response_content, e.trace_id, e.session_id, e.user_id, e.tags,
                            e.cached_input_tokens, e.finish_reason, e.time_to_first_token_ms,
                            e.cache_creation_input_tokens, e.reasoning_tokens, e.cost_usd,
                            e.input_cost_nano_usd, e.cached_input_cost_nano_usd, e.cache_write_cost_nano_usd,
                            e.output_cost_nano_usd, e.cost_nano_usd, e.cost_source, e.price_ref
                        FROM ai_executions AS e LEFT JOIN system_prompts AS p ON p.id = e.system_prompt_id;
                    """)
        }
        migrator.registerMigration("v9") { db in
            // Search and traces (docs/SEARCH.md). Lists by trace, session, user and tag walk an index
            // newest first, like the other filters: v2's trace and session indexes gain `created_at`,
            // so that a long session pages without sorting. The full-text index
            // starts empty: the rows already stored are added after the migration, a chunk at a time
            // (`buildSearchIndex`: execlogd between commits, or `execlog migrate`), so that a big
            // store opens at once. `SearchIndex.create` is part of this migration: it never changes;
            // a later change to the index is a migration of its own.
            try db.execute(
                sql: """
                    DROP INDEX ai_executions_trace_id;
                    DROP INDEX ai_executions_session_id;
                    CREATE INDEX ai_executions_trace_id_created_at ON ai_executions(trace_id, created_at)
                        WHERE trace_id IS NOT NULL;
                    CREATE INDEX ai_executions_session_id_created_at ON ai_executions(session_id, created_at)
                        WHERE session_id IS NOT NULL;
                    CREATE INDEX ai_executions_user_id_created_at ON ai_executions(user_id, created_at)
                        WHERE user_id IS NOT NULL;
                    CREATE INDEX ai_executions_tagged_created_at ON ai_executions(created_at)
                        WHERE tags IS NOT NULL;
                    """)
            try SearchIndex.create(in: db)
        }
        return migrator
    }
}
