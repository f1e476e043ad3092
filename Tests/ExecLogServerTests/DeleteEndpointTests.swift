import ExecLogModel
@testable import ExecLogServer
import ExecLogStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct DeleteEndpointTests {
    let fixture: ServerFixture
    static let token = "s3cret-admin-token"

    init() throws { fixture = try ServerFixture() }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func withoutAConfiguredTokenDeletingIsOff() async throws {
        let id = fixture.executions[0].idString
        try await fixture.withClient(adminToken: nil) { client in
            for uri in ["/api/v1/ai-executions/\(id)", "/api/v1/ai-executions/?days=1"] {
                let response = try await client.execute(uri: uri, method: .delete, headers: Self.bearer("anything"))
                #expect(response.status == .forbidden)
                #expect(try JSONBody(response).string("error")?.contains("--admin-token") == true)
            }
        }
        #expect(try fixture.storeCount() == fixture.executions.count)
    }

    @Test func withoutTheHeaderOrWithAWrongTokenIs401() async throws {
        let id = fixture.executions[0].idString
        try await fixture.withClient(adminToken: Self.token) { client in
            for uri in ["/api/v1/ai-executions/\(id)", "/api/v1/ai-executions/?days=1"] {
                let missing = try await client.execute(uri: uri, method: .delete)
                #expect(missing.status == .unauthorized)
                #expect(missing.headers[.wwwAuthenticate] == "Bearer")
                for wrong in ["s3cret-admin-toke", "s3cret-admin-tokenX", "S3cret-admin-token", ""] {
                    let response = try await client.execute(uri: uri, method: .delete, headers: Self.bearer(wrong))
                    #expect(response.status == .unauthorized)
                }
                let basic = try await client.execute(
                    uri: uri, method: .delete, headers: [.authorization: "Basic \(Self.token)"])
                #expect(basic.status == .unauthorized)
            }
        }
        #expect(try fixture.storeCount() == fixture.executions.count)
    }

    @Test func deletesOneExecutionWithTheToken() async throws {
        let id = fixture.executions[5].idString
        try await fixture.withClient(adminToken: Self.token) { client in
            let response = try await client.execute(
                uri: "/api/v1/ai-executions/\(id)", method: .delete, headers: Self.bearer(Self.token))
            #expect(response.status == .ok)
            #expect(try JSONBody(response).string("deleted") == id)
            let again = try await client.execute(uri: "/api/v1/ai-executions/\(id)", method: .get)
            #expect(again.status == .notFound)
            let twice = try await client.execute(
                uri: "/api/v1/ai-executions/\(id)", method: .delete, headers: Self.bearer(Self.token))
            #expect(twice.status == .notFound)
            let malformed = try await client.execute(
                uri: "/api/v1/ai-executions/xyz", method: .delete, headers: Self.bearer(Self.token))
            #expect(malformed.status == .badRequest)
        }
        #expect(try fixture.storeCount() == fixture.executions.count - 1)
    }

    @Test func prunesWhatIsOlderThanNDays() async throws {
        // A cutoff within the fixture's first day: some executions are older, some newer.
        let days = Int(Date().timeIntervalSince(ServerFixture.start) / 86_400)
        let cutoff = Date().addingTimeInterval(-Double(days) * 86_400)
        let older = fixture.executions.filter { $0.createdAt < cutoff }.count
        try await fixture.withClient(adminToken: Self.token) { client in
            for (query, parameter) in [("", "days"), ("days=-1", "days"), ("days=ten", "days"), ("older=3", "older")] {
                let bad = try await client.execute(
                    uri: "/api/v1/ai-executions/?\(query)", method: .delete, headers: Self.bearer(Self.token))
                #expect(bad.status == .badRequest)
                #expect(try JSONBody(bad).string("parameter") == parameter)
            }
            let response = try await client.execute(
                uri: "/api/v1/ai-executions/?days=\(days)", method: .delete, headers: Self.bearer(Self.token))
            #expect(response.status == .ok)
            let body = try JSONBody(response)
            #expect(body.int("deleted") == older)
            #expect(body.int("older_than_days") == days)
        }
        #expect(older > 0 || days < 0)
        #expect(try fixture.storeCount() == fixture.executions.count - older)
    }

    @Test func theTokenComparisonIsExact() throws {
        let token = try #require(AdminToken("abc"))
        #expect(AdminToken("") == nil)
        #expect(token.matches("abc"))
        for wrong in ["", "ab", "abcd", "abd", "ABC", "abcabc"] { #expect(!token.matches(wrong), "\(wrong)") }
    }
}
