import ExecLogModel
import Foundation

/// A position in the newest-first order: the (created_at, id) of the last execution of a page.
///
/// Keyset paging: the next page starts from an index seek, so page 10,000 costs what page 1 costs,
/// and rows inserted or deleted meanwhile never shift a page. Its text form is opaque to users:
/// base64url of `created_at` and `id`.
public struct ListCursor: Sendable, Hashable, CustomStringConvertible {
    public var createdAt: String
    public var id: String

    public init(createdAt: String, id: String) {
        self.createdAt = createdAt
        self.id = id
    }

    public init(_ summary: ExecutionSummary) {
        self.init(createdAt: summary.createdAt, id: summary.id)
    }

    public init(parsing text: String) throws(StoreError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else {
            throw .invalidCursor(text)
        }
        let parts = decoded.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, Timestamp.parse(String(parts[0])) != nil, UUID(canonical: String(parts[1])) != nil
        else { throw .invalidCursor(text) }
        self.init(createdAt: String(parts[0]), id: String(parts[1]))
    }

    public var description: String {
        Data("\(createdAt) \(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
