import ExecLogPricing
import GRDB

/// The columns of an execution's cost (schema v8, docs/STORE.md): written by the insert and by
/// `reprice`, read by `show`, the list and the API. The one place their names and order are written.
enum CostColumns {
    static let names = [
        "input_cost_nano_usd", "cached_input_cost_nano_usd", "cache_write_cost_nano_usd", "output_cost_nano_usd",
        "cost_nano_usd", "cost_source", "price_ref",
    ]

    static func values(_ cost: ExecutionCost) -> [DatabaseValue] {
        [
            cost.inputNanoUSD.databaseValue, cost.cachedInputNanoUSD.databaseValue, cost.cacheWriteNanoUSD.databaseValue,
            cost.outputNanoUSD.databaseValue, cost.totalNanoUSD.databaseValue, cost.source.rawValue.databaseValue,
            cost.priceRef.databaseValue,
        ]
    }

    /// The stored cost of a row that holds these columns; nil for a row stored before v8 and not
    /// repriced since. A source this version does not know is an error naming it.
    static func cost(_ row: Row) throws(StoreError) -> ExecutionCost? {
        guard let sourceText: String = try row[checked: "cost_source"] else { return nil }
        guard let source = ExecutionCost.Source(rawValue: sourceText) else {
            throw .database("column cost_source holds \"\(sourceText)\", not one of \(ExecutionCost.Source.allCases.map(\.rawValue))")
        }
        return ExecutionCost(
            source: source, inputNanoUSD: try row[checked: "input_cost_nano_usd"],
            cachedInputNanoUSD: try row[checked: "cached_input_cost_nano_usd"],
            cacheWriteNanoUSD: try row[checked: "cache_write_cost_nano_usd"],
            outputNanoUSD: try row[checked: "output_cost_nano_usd"], totalNanoUSD: try row[checked: "cost_nano_usd"],
            priceRef: try row[checked: "price_ref"])
    }
}
