import ExecLogModel
import ExecLogStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The same application on a real socket (port 0): every endpoint once, over HTTP.
@Suite struct LiveServerTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture(count: 120) }

    @Test func everyEndpointAnswersOverHTTP() async throws {
        let newest = fixture.expected(ExecutionFilter())
        let total = try fixture.storeStats().totalExecutions
        try await fixture.withClient(.live, adminToken: "t0ken") { client in
            let page = try JSONBody(try await client.execute(uri: "/api/v1/ai-executions/?limit=10&has_error=false", method: .get))
            #expect(page.itemIDs == fixture.expected(ExecutionFilter(status: .ok)).prefix(10).map(\.idString))

            let detail = try await client.execute(uri: "/api/v1/ai-executions/\(newest[3].idString)", method: .get)
            #expect(try JSONBody(detail).string("model_name") == newest[3].modelName)

            let stats = try JSONBody(try await client.execute(uri: "/api/v1/ai-executions/stats", method: .get))
            #expect(stats.int("total_executions") == total)

            let series = try await client.execute(uri: "/api/v1/ai-executions/timeseries?bucket=hour", method: .get)
            #expect(series.status == .ok)
            #expect(try await client.execute(uri: "/api/v1/ai-executions/facets", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/openapi.yaml", method: .get).status == .ok)

            let bad = try await client.execute(uri: "/api/v1/ai-executions/?limit=x", method: .get)
            #expect(bad.status == .badRequest)

            let unauthorized = try await client.execute(uri: "/api/v1/ai-executions/\(newest[0].idString)", method: .delete)
            #expect(unauthorized.status == .unauthorized)
            let deleted = try await client.execute(
                uri: "/api/v1/ai-executions/\(newest[0].idString)", method: .delete, headers: [.authorization: "Bearer t0ken"])
            #expect(deleted.status == .ok)
            let gone = try await client.execute(uri: "/api/v1/ai-executions/\(newest[0].idString)", method: .get)
            #expect(gone.status == .notFound)
        }
        #expect(try fixture.storeCount() == total - 1)
    }
}
