extension Execution {
    /// Limits every stored execution satisfies; the wire protocol rejects events beyond them.
    public enum Limits {
        public static let usageType = 1...50
        public static let provider = 1...50
        public static let modelName = 1...100
        public static let finishReason = 0...50
        public static let identifier = 0...200
        public static let tagCount = 0...64
        public static let tagLength = 1...100
    }

    /// Checks the limits and the shapes the store relies on (`Execution.fields` says which apply to each
    /// field). Lengths count Unicode scalars.
    public func validate() throws(ExecutionError) {
        for field in Self.fields {
            let key = field.key
            switch field.kind {
            case .requiredText(let path, let length):
                try Self.checkLength(self[keyPath: path], length, key)
            case .text(let path, let length?):
                if let value = self[keyPath: path] { try Self.checkLength(value, length, key) }
            case .count(let path):
                if let value = self[keyPath: path], value < 0 { throw ExecutionError(field: key, "must not be negative") }
            case .number(let path):
                if let value = self[keyPath: path], !value.isFinite || value < 0 {
                    throw ExecutionError(field: key, "must be a finite number ≥ 0")
                }
            case .messages:
                guard inputMessages.isArray else { throw ExecutionError(field: key, "expected an array") }
            case .object(let path):
                if let value = self[keyPath: path], !value.isObject { throw ExecutionError(field: key, "expected an object") }
            case .tags:
                guard Limits.tagCount.contains(tags.count) else {
                    throw ExecutionError(field: key, "at most \(Limits.tagCount.upperBound) tags")
                }
                for (index, tag) in tags.enumerated() { try Self.checkLength(tag, Limits.tagLength, "\(key).[\(index)]") }
            case .id, .uuid, .time, .text(_, nil):
                break
            }
        }
    }

    /// Also refuses NUL in these short, identifier-like fields: SQLite's C API would cut the text there.
    private static func checkLength(_ value: String, _ limit: ClosedRange<Int>, _ field: String) throws(ExecutionError) {
        if value.utf8.contains(0) { throw ExecutionError(field: field, "must not contain a NUL character") }
        let count = value.unicodeScalars.count
        guard limit.contains(count) else {
            throw ExecutionError(
                field: field,
                count == 0 ? "must not be empty" : "\(count) characters, more than \(limit.upperBound)")
        }
    }
}
