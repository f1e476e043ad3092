import Foundation

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
        public static let temperature = 0...Double.greatestFiniteMagnitude
        /// A call's own cost in USD (`cost_usd`): a million dollars is past any real call, and keeps sums of
        /// nanodollars far from overflowing.
        public static let costUSD = 0.0...1_000_000
    }

    /// Checks the limits and the shapes the store relies on, field by field (`visitFields`). Lengths
    /// count Unicode scalars.
    public func validate() throws(ExecutionError) {
        var validator = FieldValidator()
        try visitFieldValues(&validator)
    }

    /// Also refuses NUL in these short, identifier-like fields: SQLite's C API would cut the text there.
    static func checkLength(_ value: String, _ limit: ClosedRange<Int>, _ field: String) throws(ExecutionError) {
        if value.containsNUL { throw ExecutionError(field: field, "must not contain a NUL character") }
        let count = value.unicodeScalars.count
        guard limit.contains(count) else {
            throw ExecutionError(
                field: field,
                count == 0 ? "must not be empty" : "\(count) characters, more than \(limit.upperBound)")
        }
    }
}

/// Checks each field against its kind's rules.
private struct FieldValidator: ExecutionFieldVisitor {
    typealias Failure = ExecutionError

    mutating func id(_ name: StaticString, _ value: inout UUID) {}
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) {}
    mutating func time(_ name: StaticString, _ value: inout Date) {}

    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) throws(ExecutionError) {
        try Execution.checkLength(value, length, name.description)
    }

    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) throws(ExecutionError) {
        if let value, let length { try Execution.checkLength(value, length, name.description) }
    }

    mutating func count(_ name: StaticString, _ value: inout Int?) throws(ExecutionError) {
        if let value, value < 0 { throw ExecutionError(field: name.description, "must not be negative") }
    }

    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) throws(ExecutionError) {
        guard let value else { return }
        if !value.isFinite || value < 0 { throw ExecutionError(field: name.description, "must be a finite number ≥ 0") }
        if value > range.upperBound { throw ExecutionError(field: name.description, "must be at most \(String(format: "%.0f", range.upperBound))") }
    }

    mutating func tags(_ name: StaticString, _ value: inout [String]) throws(ExecutionError) {
        let key = name.description
        guard Execution.Limits.tagCount.contains(value.count) else {
            throw ExecutionError(field: key, "at most \(Execution.Limits.tagCount.upperBound) tags")
        }
        for (index, tag) in value.enumerated() {
            try Execution.checkLength(tag, Execution.Limits.tagLength, "\(key).[\(index)]")
        }
    }

    mutating func object(_ name: StaticString, _ value: inout JSONValue?) throws(ExecutionError) {
        if let value, !value.isObject { throw ExecutionError(field: name.description, "expected an object") }
    }

    mutating func messages(_ name: StaticString, _ value: inout JSONValue) throws(ExecutionError) {
        guard value.isArray else { throw ExecutionError(field: name.description, "expected an array") }
    }
}
