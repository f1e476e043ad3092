import ExecLogModel
import ExecLogPricing

/// A stored execution with what the store keeps beside its fields: its cost.
public struct ExecutionRecord: Sendable, Equatable {
    public var execution: Execution
    /// nil for a row stored before costs existed (schema v8) and not repriced since.
    public var cost: ExecutionCost?

    public init(execution: Execution, cost: ExecutionCost?) {
        self.execution = execution
        self.cost = cost
    }

    /// Every field of the execution (absent ones as null) and `cost`: its stored cost, or null for a row
    /// not priced yet. What `execlog show --json` and the API's detail return.
    public func jsonObject() -> JSONValue {
        guard case .object(var object) = execution.jsonObject(includeNulls: true) else { return .null }
        object["cost"] = cost?.jsonValue ?? .null
        return .object(object)
    }
}
