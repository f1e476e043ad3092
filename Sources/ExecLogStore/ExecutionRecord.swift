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
}
