/// The order of a list: newest first unless asked otherwise.
///
/// Time order pages with a ``ListCursor`` (an index seek at any depth). Any other key sorts every
/// matching row (no index serves it: one per key would slow each insert for a rare view), so those
/// lists page by offset and have no cursor. Executions without the value (no usage, no duration,
/// no known cost) come last in both directions.
public struct ListOrder: Sendable, Hashable, CustomStringConvertible {
    /// A column of `ai_executions`, named as in the JSON.
    public enum Key: String, Sendable, CaseIterable {
        case createdAt = "created_at"
        case totalTokens = "total_tokens"
        case executionTimeMs = "execution_time_ms"
        case costNanoUSD = "cost_nano_usd"

        /// What is sorted: a row that reports input and output but no total sorts by their sum, as
        /// the page and the CLI show it.
        var sql: String {
            self == .totalTokens ? "coalesce(total_tokens, input_tokens + output_tokens, input_tokens, output_tokens)" : rawValue
        }
    }

    public enum Direction: String, Sendable, CaseIterable {
        case desc
        case asc
    }

    public var key: Key
    public var direction: Direction

    public init(_ key: Key = .createdAt, _ direction: Direction = .desc) {
        self.key = key
        self.direction = direction
    }

    public static let newestFirst = ListOrder()

    /// Whether a page of this order ends with a cursor.
    public var pagesByCursor: Bool { key == .createdAt }

    public var description: String { "\(key.rawValue) \(direction.rawValue)" }

    /// The `ORDER BY` clause: ties broken by time then id, in the same direction, so that the order is total.
    var sql: String {
        let direction = self.direction == .desc ? "DESC" : "ASC"
        let time = "created_at \(direction), id \(direction)"
        return key == .createdAt ? time : "\(key.sql) IS NULL, \(key.sql) \(direction), \(time)"
    }

    /// Rows after `cursor` in this order (time order only).
    func condition(after cursor: ListCursor) -> (String, [String]) {
        // The plain range comes first so that SQLite seeks the index to it; an OR alone can make it
        // union two index searches and sort the whole result.
        direction == .desc
            ? ("created_at <= ? AND (created_at < ? OR id < ?)", [cursor.createdAt, cursor.createdAt, cursor.id])
            : ("created_at >= ? AND (created_at > ? OR id > ?)", [cursor.createdAt, cursor.createdAt, cursor.id])
    }
}
