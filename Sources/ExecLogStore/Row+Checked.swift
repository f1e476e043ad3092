import GRDB

extension Row {
    /// The value of `column` as `Value` (an optional for a nullable column), or a one-line `StoreError`
    /// when the file holds something else there: NULL in a required column, text where a number belongs
    /// (a store edited by hand). GRDB's own subscripts stop the process on such a value; a bad row must
    /// be an error answer instead.
    subscript<Value: DatabaseValueConvertible>(checked column: String) -> Value {
        get throws(StoreError) {
            do {
                return try decode(Value.self, forColumn: column)
            } catch {
                throw Self.mismatch(self, column, Value.self)
            }
        }
    }

    /// The same for the types SQLite's columns convert to directly (Int, String, Double…): GRDB's faster path.
    subscript<Value: DatabaseValueConvertible & StatementColumnConvertible>(checked column: String) -> Value {
        get throws(StoreError) {
            do {
                return try decode(Value.self, forColumn: column)
            } catch {
                throw Self.mismatch(self, column, Value.self)
            }
        }
    }

    private static func mismatch(_ row: Row, _ column: String, _ type: Any.Type) -> StoreError {
        let stored = (row[column] as DatabaseValue?).map { String(describing: $0).prefix(40) } ?? "nothing"
        return .database("column \(column) holds \(stored), not a value of type \(type)")
    }
}
