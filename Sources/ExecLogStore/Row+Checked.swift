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
                let stored = (self[column] as DatabaseValue?).map { String(describing: $0).prefix(40) } ?? "nothing"
                throw .database("column \(column) holds \(stored), not a value of type \(Value.self)")
            }
        }
    }
}
