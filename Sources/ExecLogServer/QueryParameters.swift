import ExecLogModel
import ExecLogStore
import Foundation
import Hummingbird

/// The query parameters of one request, checked against what the endpoint accepts.
///
/// Each getter either returns a valid value (or nil when the parameter is absent or empty, as an
/// HTML form sends it) or throws a 400 `APIError` that names the parameter.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    /// The filters every read endpoint but the detail takes.
    static let filterNames = [
        "usage_type", "provider", "model_name", "has_error", "start_date", "end_date", "trace_id", "session_id", "user_id",
        "tag", "q",
    ]

    init(_ request: Request, allowed: [String]) throws(APIError) {
        for (name, value) in try Self.decode(request.uri.query ?? "") {
            guard allowed.contains(name) else {
                throw .badParameter(
                    name,
                    allowed.isEmpty
                        ? "unknown parameter \(name.debugDescription): this endpoint takes none"
                        : "unknown parameter \(name.debugDescription): expected \(allowed.joined(separator: ", "))")
            }
            guard values[name] == nil else { throw .badParameter(name, "parameter \(name) is given more than once") }
            values[name] = value
        }
    }

    /// The pairs of a query string as browsers encode forms (`application/x-www-form-urlencoded`): `+`
    /// is a space, `%XX` a byte of UTF-8. A page's URLSearchParams sends "code review" as `code+review`.
    static func decode(_ query: String) throws(APIError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = String(halves[0])
            guard let name = formDecoded(rawName), let value = formDecoded(halves.count > 1 ? String(halves[1]) : "") else {
                throw .badParameter(rawName, "parameter \(rawName.debugDescription) is not valid percent-encoded UTF-8")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func formDecoded(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// The raw text, nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let value = values[name], !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int? = nil) throws(APIError) -> Int? {
        guard let text = text(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            let bounds = range.upperBound == .max ? "≥ \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw .badParameter(name, "invalid \(name) \(text.debugDescription): expected a whole number \(bounds)")
        }
        return value
    }

    func boolean(_ name: String) throws(APIError) -> Bool? {
        guard let text = text(name) else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw .badParameter(name, "invalid \(name) \(text.debugDescription): expected true or false")
        }
    }

    /// A date (`2026-11-27`, midnight UTC) or an RFC 3339 time. For `end_date`, a bare date includes its
    /// whole day (the bound is the next midnight), as people mean "until the 27th".
    func date(_ name: String, endOfDay: Bool = false) throws(APIError) -> Date? {
        guard let text = text(name) else { return nil }
        guard let date = Timestamp.parseLenient(text) else {
            throw .badParameter(
                name,
                "invalid \(name) \(text.debugDescription): expected a date (2026-11-27) or an RFC 3339 time (2026-11-27T10:00:00Z)"
            )
        }
        let isBareDate = text.count == 10
        return endOfDay && isBareDate ? date.addingTimeInterval(86_400) : date
    }

    func oneOf<Value: RawRepresentable & CaseIterable>(_ name: String, _ type: Value.Type) throws(APIError) -> Value?
    where Value.RawValue == String {
        guard let text = text(name) else { return nil }
        guard let value = Value(rawValue: text) else {
            let choices = Value.allCases.map(\.rawValue).joined(separator: " or ")
            throw .badParameter(name, "invalid \(name) \(text.debugDescription): expected \(choices)")
        }
        return value
    }

    /// The filters of `filterNames`.
    func filter() throws(APIError) -> ExecutionFilter {
        var filter = ExecutionFilter(
            usageType: text("usage_type"), provider: text("provider"), modelName: text("model_name"),
            traceID: text("trace_id"), sessionID: text("session_id"), userID: text("user_id"), tag: text("tag"),
            query: text("q"))
        if let hasError = try boolean("has_error") { filter.status = hasError ? .error : .ok }
        filter.from = try date("start_date")
        filter.to = try date("end_date", endOfDay: true)
        if let from = filter.from, let to = filter.to, from >= to {
            throw .badParameter("end_date", "end_date must be later than start_date")
        }
        return filter
    }

    func cursor() throws(APIError) -> ListCursor? {
        guard let text = text("cursor") else { return nil }
        do {
            return try ListCursor(parsing: text)
        } catch {
            throw .badParameter("cursor", "invalid cursor \(text.debugDescription): expected a next_cursor from a list")
        }
    }
}
