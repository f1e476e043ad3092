import ExecLogModel
import ExecLogPricing
import GRDB

/// An execution as the values of its `ai_executions` row, ready to bind.
///
/// Everything that needs no database is done here: the timestamp formatted, the JSON columns
/// serialized, a long system prompt fingerprinted, the rollup group named. The writer makes its rows
/// on the thread that decodes (`StoreBatch`), so that the commit thread, which holds the write lock,
/// only binds and steps: on two cores the two threads then split the work of an event.
public struct ExecutionRow: Sendable {
    /// The values of `ExecutionStore.insertedColumns`, in their order. `system_prompt` is NULL when the
    /// prompt is long enough to be stored once (`storedPrompt`); `system_prompt_id` is set by the insert.
    var values: [DatabaseValue]
    /// A system prompt of at least `SystemPrompts.minimumBytes`, for `system_prompts`, and its fingerprint.
    var storedPrompt: (text: String, hash: Int64)?
    /// What the row adds to the rollups.
    var rollup: ExecutionRollups.Entry

    /// The row, its cost computed with `prices` (at the execution's `created_at`). Without prices the
    /// row has no cost, as rows stored before costs existed: `execlog reprice` prices it later (tests and
    /// the benchmark's baseline use this).
    public init(_ execution: Execution, prices: PriceBook?) {
        var values = ExecutionStore.columnValues(execution)
        let createdAt = String.fromDatabaseValue(values[ExecutionStore.createdAtColumn]) ?? Timestamp.format(execution.createdAt)
        let cost = prices?.cost(of: execution, createdAt: createdAt)
        values += cost.map(CostColumns.values) ?? CostColumns.names.map { _ in .null }
        if let prompt = execution.systemPrompt, prompt.utf8.count >= SystemPrompts.minimumBytes {
            let text = ExecutionStore.storable(prompt) ?? prompt
            storedPrompt = (text, Int64(bitPattern: SystemPrompts.fingerprint(text)))
            values[ExecutionStore.systemPromptColumn] = .null
        }
        self.values = values
        rollup = ExecutionRollups.Entry(execution, createdAt: createdAt, costNanoUSD: cost?.totalNanoUSD)
    }
}
