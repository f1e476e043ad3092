import Hummingbird

/// The secret that unlocks the two DELETE endpoints, sent as `Authorization: Bearer TOKEN`.
public struct AdminToken: Sendable, Equatable {
    private let bytes: [UInt8]

    /// nil for an empty token: an empty secret would let anyone in.
    public init?(_ text: String) {
        guard !text.isEmpty else { return nil }
        bytes = Array(text.utf8)
    }

    /// Compares every byte whatever the first difference, so that the time taken tells an attacker
    /// nothing about how much of a guess was right (only its own length drives the loop).
    func matches(_ candidate: some StringProtocol) -> Bool {
        let candidateBytes = Array(candidate.utf8)
        var difference: UInt8 = candidateBytes.count == bytes.count ? 0 : 1
        for (index, byte) in candidateBytes.enumerated() {
            difference |= byte ^ bytes[index % bytes.count]
        }
        return difference == 0
    }

    /// Lets the request through, or throws 401 (no or wrong token) or 403 (deleting disabled).
    static func authorize(_ request: Request, with token: AdminToken?) throws(APIError) {
        guard let token else {
            throw APIError(
                .forbidden,
                "deleting is disabled: start execlog serve with --admin-token or EXECLOG_ADMIN_TOKEN to enable it")
        }
        var unauthorized = APIError(.unauthorized, "this endpoint needs the header Authorization: Bearer ADMIN_TOKEN")
        unauthorized.headers[.wwwAuthenticate] = "Bearer"
        guard let header = request.headers[.authorization] else { throw unauthorized }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix.lowercased() else {
            throw unauthorized
        }
        guard token.matches(header.dropFirst(prefix.count)) else {
            unauthorized.message = "wrong admin token"
            throw unauthorized
        }
    }
}
