import ExecLogModel
import Foundation
import GRDB

/// The filters shared by list, stats and the dashboard. Every field narrows the result; nil means "any".
public struct ExecutionFilter: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case ok
        case error
    }

    public var usageType: String?
    public var provider: String?
    public var modelName: String?
    public var status: Status?
    /// Inclusive lower bound of `created_at`.
    public var from: Date?
    /// Exclusive upper bound of `created_at`.
    public var to: Date?

    public init(
        usageType: String? = nil, provider: String? = nil, modelName: String? = nil, status: Status? = nil,
        from: Date? = nil, to: Date? = nil
    ) {
        self.usageType = usageType
        self.provider = provider
        self.modelName = modelName
        self.status = status
        self.from = from
        self.to = to
    }

    /// SQL conditions and their arguments; `"1"` when there is nothing to filter.
    var sqlConditions: (conditions: [String], arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let usageType {
            conditions.append("usage_type = ?")
            arguments += [usageType]
        }
        if let provider {
            conditions.append("provider = ?")
            arguments += [provider]
        }
        if let modelName {
            conditions.append("model_name = ?")
            arguments += [modelName]
        }
        switch status {
        case .ok: conditions.append("error_message IS NULL")
        case .error: conditions.append("error_message IS NOT NULL")
        case nil: break
        }
        if let from {
            conditions.append("created_at >= ?")
            arguments += [Timestamp.format(from)]
        }
        if let to {
            conditions.append("created_at < ?")
            arguments += [Timestamp.format(to)]
        }
        return (conditions, arguments)
    }
}
