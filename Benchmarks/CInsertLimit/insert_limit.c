/*
 * insert_limit: the SQLite limit that execlogd's writer is measured against (issue 19, target 1;
 * docs/PERFORMANCE.md, row 2w).
 *
 *   insert_limit [--index-per-row] SOURCE.db TARGET.db OUT.json [ROWS_PER_TRANSACTION]
 *
 * SOURCE is a store holding exactly the rows execlogd stores for the same events (execlog-bench
 * writer-feed --rows-out writes it: the same executions, decoded from the same wire bytes, priced
 * with the bundled prices). TARGET is an execlog store (empty, or a copy of a seeded one): its
 * schema, indexes and triggers (the full-text index) are the ones execlogd writes into.
 *
 * Before the clock: TARGET is opened with the pragmas of execlogd's writing connection (WAL,
 * synchronous=NORMAL, a 64 MiB page cache; the page size is the file's), SOURCE's system prompts
 * are copied into TARGET (found by hash and text, as the store does), and every SOURCE row of
 * ai_executions is read into memory (each column's value duplicated, rowid left out).
 * Timed: BEGIN IMMEDIATE; one prepared INSERT, the store's own (ON CONFLICT(id) DO NOTHING),
 * bound and stepped per row; COMMIT every ROWS_PER_TRANSACTION rows (1,000, execlogd's batch).
 * The full-text index is written as the store writes it for a batch (SearchIndex+Batch.swift): the
 * triggers' backfill range widened over the new rows, then one INSERT … SELECT per transaction,
 * because FTS5 writes a segment at every statement's savepoint and row by row that halves the speed.
 * --index-per-row leaves it to the insert trigger instead, as a plain program (or the sqlite3 shell)
 * would: the naive figure, reported beside the limit.
 * The commit thread is the only one: the WAL is checkpointed by SQLite's automatic checkpoint on
 * this connection, as a plain program would, where execlogd checkpoints mostly from a thread of its
 * own. The rollup tables (a few upserts per transaction in execlogd) are not written: this is the
 * cost of the rows alone.
 *
 * Prints and writes {"events", "seconds", "events_per_s"} to OUT.json. Exits 1 with one line on
 * standard error when anything fails, and writes no figure then.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void fail(sqlite3 *db, const char *what) {
    fprintf(stderr, "insert_limit: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "insert_limit: %s: %s\n", sql, error ? error : "?");
        exit(1);
    }
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One source system prompt's id in TARGET: found by hash and text, else inserted (SystemPrompts.id). */
static sqlite3_int64 target_prompt_id(sqlite3 *target, sqlite3_stmt *find, sqlite3_stmt *insert,
                                      sqlite3_value *hash, sqlite3_value *text) {
    sqlite3_bind_value(find, 1, hash);
    sqlite3_bind_value(find, 2, text);
    sqlite3_int64 id = -1;
    int rc = sqlite3_step(find);
    if (rc == SQLITE_ROW) id = sqlite3_column_int64(find, 0);
    else if (rc != SQLITE_DONE) fail(target, "finding a system prompt");
    sqlite3_reset(find);
    if (id >= 0) return id;
    sqlite3_bind_value(insert, 1, hash);
    sqlite3_bind_value(insert, 2, text);
    if (sqlite3_step(insert) != SQLITE_DONE) fail(target, "copying a system prompt");
    sqlite3_reset(insert);
    return sqlite3_last_insert_rowid(target);
}

/* The batch indexing of SearchIndex.BatchIndexing, in SQL: before a transaction's rows, the backfill
 * range widened over them; after, the range put back and the rows indexed in one statement. */
static const char *backfill = "search_index_backfill";
static sqlite3_int64 last_rowid_before;
static int had_range;
static sqlite3_int64 range_next, range_end;

static sqlite3_int64 single_integer(sqlite3 *db, const char *sql, int *found) {
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) fail(db, sql);
    sqlite3_int64 value = 0;
    int rc = sqlite3_step(statement);
    if (rc == SQLITE_ROW) value = sqlite3_column_int64(statement, 0);
    else if (rc != SQLITE_DONE) fail(db, sql);
    if (found) *found = rc == SQLITE_ROW;
    sqlite3_finalize(statement);
    return value;
}

static void begin_batch_indexing(sqlite3 *db) {
    char sql[512];
    last_rowid_before = single_integer(db, "SELECT coalesce(max(rowid), 0) FROM ai_executions", NULL);
    range_next = single_integer(db, "SELECT next_rowid FROM search_index_backfill", &had_range);
    range_end = had_range ? single_integer(db, "SELECT end_rowid FROM search_index_backfill", NULL) : 0;
    sqlite3_int64 next = had_range && range_next < last_rowid_before + 1 ? range_next : last_rowid_before + 1;
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (id, next_rowid, end_rowid) VALUES (1, %lld, 9223372036854775807) "
             "ON CONFLICT(id) DO UPDATE SET next_rowid = excluded.next_rowid, end_rowid = excluded.end_rowid",
             backfill, (long long)next);
    exec(db, sql);
}

static void finish_batch_indexing(sqlite3 *db) {
    char sql[512];
    if (had_range)
        snprintf(sql, sizeof sql, "UPDATE %s SET next_rowid = %lld, end_rowid = %lld", backfill,
                 (long long)range_next, (long long)range_end);
    else
        snprintf(sql, sizeof sql, "DELETE FROM %s", backfill);
    exec(db, sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO ai_executions_search(rowid, system_prompt, input, response, error) "
             "SELECT execution_rowid, system_prompt, input, response, error FROM ai_executions_search_source "
             "WHERE execution_rowid > %lld", (long long)last_rowid_before);
    exec(db, sql);
}

int main(int argc, char **argv) {
    int index_per_row = argc > 1 && strcmp(argv[1], "--index-per-row") == 0;
    if (index_per_row) {
        argv++;
        argc--;
    }
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: insert_limit [--index-per-row] SOURCE.db TARGET.db OUT.json [ROWS_PER_TRANSACTION]\n");
        return 64;
    }
    long per_transaction = argc == 5 ? strtol(argv[4], NULL, 10) : 1000;
    if (per_transaction < 1) {
        fprintf(stderr, "insert_limit: ROWS_PER_TRANSACTION must be a positive number\n");
        return 64;
    }

    sqlite3 *source = NULL, *target = NULL;
    if (sqlite3_open_v2(argv[1], &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) fail(source, argv[1]);
    /* No CREATE: TARGET must already be a store, with execlog's schema. */
    if (sqlite3_open_v2(argv[2], &target, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) fail(target, argv[2]);
    sqlite3_busy_timeout(target, 5000);
    /* execlogd's writing connection (ExecutionStore.init): WAL, NORMAL, 64 MiB of page cache. */
    exec(target, "PRAGMA journal_mode = WAL");
    exec(target, "PRAGMA synchronous = NORMAL");
    exec(target, "PRAGMA cache_size = -65536");

    /* The source's columns, rowid left out (it is not a column of the INSERT execlogd runs). */
    sqlite3_stmt *select = NULL;
    if (sqlite3_prepare_v2(source, "SELECT * FROM ai_executions ORDER BY rowid", -1, &select, NULL) != SQLITE_OK)
        fail(source, "reading ai_executions");
    int columns = sqlite3_column_count(select);
    int prompt_column = -1;
    size_t sql_size = 256;
    for (int c = 0; c < columns; c++) sql_size += strlen(sqlite3_column_name(select, c)) + 4;
    char *sql = malloc(sql_size);
    if (!sql) fail(NULL, "memory");
    size_t length = (size_t)snprintf(sql, sql_size, "INSERT INTO ai_executions (");
    for (int c = 0; c < columns; c++) {
        const char *name = sqlite3_column_name(select, c);
        if (strcmp(name, "system_prompt_id") == 0) prompt_column = c;
        length += (size_t)snprintf(sql + length, sql_size - length, "%s%s", c ? ", " : "", name);
    }
    length += (size_t)snprintf(sql + length, sql_size - length, ") VALUES (");
    for (int c = 0; c < columns; c++) length += (size_t)snprintf(sql + length, sql_size - length, c ? ", ?" : "?");
    snprintf(sql + length, sql_size - length, ") ON CONFLICT(id) DO NOTHING");

    /* Every row's values in memory, before the clock. */
    size_t rows = 0, capacity = 1 << 16;
    sqlite3_value **values = malloc(capacity * (size_t)columns * sizeof *values);
    if (!values) fail(NULL, "memory");
    int rc;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
        if (rows == capacity) {
            capacity *= 2;
            sqlite3_value **grown = realloc(values, capacity * (size_t)columns * sizeof *values);
            if (!grown) fail(NULL, "memory");
            values = grown;
        }
        for (int c = 0; c < columns; c++) {
            sqlite3_value *value = sqlite3_value_dup(sqlite3_column_value(select, c));
            if (!value) fail(NULL, "memory");
            values[rows * (size_t)columns + (size_t)c] = value;
        }
        rows++;
    }
    if (rc != SQLITE_DONE) fail(source, "reading ai_executions");
    sqlite3_finalize(select);
    if (rows == 0) {
        fprintf(stderr, "insert_limit: %s holds no executions\n", argv[1]);
        return 1;
    }

    /* The system prompts the rows point at, copied (and their ids mapped) outside the clock. The map is
     * made whole before any row changes, so that a new id equal to another prompt's old one is not
     * mapped twice. */
    if (prompt_column >= 0) {
        sqlite3_stmt *prompts = NULL, *find = NULL, *insert = NULL, *make = NULL;
        if (sqlite3_prepare_v2(source, "SELECT id, hash, text FROM system_prompts ORDER BY id", -1, &prompts, NULL) != SQLITE_OK)
            fail(source, "reading system_prompts");
        if (sqlite3_prepare_v2(target, "SELECT id FROM system_prompts WHERE hash = ? AND text = ?", -1, &find, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(target, "INSERT INTO system_prompts (hash, text) VALUES (?, ?)", -1, &insert, NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(target, "SELECT ?", -1, &make, NULL) != SQLITE_OK)
            fail(target, "system_prompts");
        size_t mapped = 0, map_capacity = 64;
        sqlite3_int64 *from = malloc(map_capacity * sizeof *from), *to = malloc(map_capacity * sizeof *to);
        if (!from || !to) fail(NULL, "memory");
        exec(target, "BEGIN IMMEDIATE");
        while ((rc = sqlite3_step(prompts)) == SQLITE_ROW) {
            if (mapped == map_capacity) {
                map_capacity *= 2;
                from = realloc(from, map_capacity * sizeof *from);
                to = realloc(to, map_capacity * sizeof *to);
                if (!from || !to) fail(NULL, "memory");
            }
            from[mapped] = sqlite3_column_int64(prompts, 0);
            to[mapped] = target_prompt_id(target, find, insert, sqlite3_column_value(prompts, 1),
                                          sqlite3_column_value(prompts, 2));
            mapped++;
        }
        if (rc != SQLITE_DONE) fail(source, "reading system_prompts");
        exec(target, "COMMIT");
        for (size_t r = 0; r < rows && mapped > 0; r++) {
            sqlite3_value **cell = &values[r * (size_t)columns + (size_t)prompt_column];
            if (sqlite3_value_type(*cell) != SQLITE_INTEGER) continue;
            sqlite3_int64 id = sqlite3_value_int64(*cell);
            size_t low = 0, high = mapped; /* from[] is sorted: ORDER BY id */
            while (low < high) {
                size_t middle = (low + high) / 2;
                if (from[middle] < id) low = middle + 1; else high = middle;
            }
            if (low == mapped || from[low] != id) {
                fprintf(stderr, "insert_limit: a row points at system prompt %lld, which %s lacks\n", (long long)id, argv[1]);
                return 1;
            }
            if (to[low] == id) continue;
            /* A value holding the new id: from a one-row SELECT, as sqlite3_value has no constructor. */
            sqlite3_bind_int64(make, 1, to[low]);
            if (sqlite3_step(make) != SQLITE_ROW) fail(target, "SELECT ?");
            sqlite3_value *value = sqlite3_value_dup(sqlite3_column_value(make, 0));
            if (!value) fail(NULL, "memory");
            sqlite3_reset(make);
            sqlite3_value_free(*cell);
            *cell = value;
        }
        free(from);
        free(to);
        sqlite3_finalize(prompts);
        sqlite3_finalize(find);
        sqlite3_finalize(insert);
        sqlite3_finalize(make);
    }
    sqlite3_close(source);

    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v3(target, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL) != SQLITE_OK)
        fail(target, "preparing the INSERT");

    int found = 0;
    single_integer(target, "SELECT 1 FROM sqlite_master WHERE name = 'ai_executions_search'", &found);
    int batch_indexing = found && !index_per_row;

    /* The clock: transactions of per_transaction rows, as execlogd commits a batch. */
    size_t stored = 0;
    double start = now_seconds();
    for (size_t r = 0; r < rows; r++) {
        if (r % (size_t)per_transaction == 0) {
            exec(target, "BEGIN IMMEDIATE");
            if (batch_indexing) begin_batch_indexing(target);
        }
        for (int c = 0; c < columns; c++) {
            if (sqlite3_bind_value(statement, c + 1, values[r * (size_t)columns + (size_t)c]) != SQLITE_OK)
                fail(target, "binding");
        }
        if (sqlite3_step(statement) != SQLITE_DONE) fail(target, "inserting");
        stored += (size_t)sqlite3_changes(target);
        sqlite3_reset(statement);
        if ((r + 1) % (size_t)per_transaction == 0 || r + 1 == rows) {
            if (batch_indexing) finish_batch_indexing(target);
            exec(target, "COMMIT");
        }
    }
    double seconds = now_seconds() - start;

    sqlite3_finalize(statement);
    if (sqlite3_close(target) != SQLITE_OK) fail(target, "closing");
    /* Rows already in TARGET (a store seeded with the same ids) would be skipped and flatter the figure. */
    if (stored != rows) {
        fprintf(stderr, "insert_limit: stored %zu of %zu rows (ids already in %s)\n", stored, rows, argv[2]);
        return 1;
    }
    FILE *out = fopen(argv[3], "w");
    if (!out) {
        perror(argv[3]);
        return 1;
    }
    fprintf(out, "{\"events\":%zu,\"seconds\":%.6f,\"events_per_s\":%.1f}\n", rows, seconds, (double)rows / seconds);
    if (fclose(out) != 0) {
        perror(argv[3]);
        return 1;
    }
    fprintf(stderr, "insert_limit: %zu rows in %.3f s, %.0f rows/s\n", rows, seconds, (double)rows / seconds);
    for (size_t i = 0; i < rows * (size_t)columns; i++) sqlite3_value_free(values[i]);
    free(values);
    free(sql);
    return 0;
}
