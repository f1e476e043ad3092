import ExecLogModel
import ExecLogStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct ListEndpointTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture() }

    @Test func listsNewestFirstWithTheListFields() async throws {
        let expected = fixture.expected(ExecutionFilter()).prefix(100).map(\.idString)
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let body = try JSONBody(response)
            #expect(body.itemIDs == Array(expected))
            #expect(body.int("skip") == 0)
            #expect(body.int("limit") == 100)
            #expect(body.string("next_cursor") != nil)
            #expect(
                Set(body.items.first?.keys.map { $0 } ?? []) == [
                    "id", "usage_type", "provider", "model_name", "input_tokens", "output_tokens", "total_tokens",
                    "error_message", "created_at", "execution_time_ms", "cost_nano_usd", "cost_source", "trace_id",
                    "session_id", "user_id",
                ])
        }
    }

    @Test func theCollectionAnswersWithoutTheTrailingSlashToo() async throws {
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions?limit=3", method: .get)
            #expect(response.status == .ok)
            #expect(try JSONBody(response).items.count == 3)
        }
    }

    static let start = ServerFixture.start
    /// A query string and the filter it means.
    static let filters: [(query: String, filter: ExecutionFilter)] = [
        ("usage_type=interview", ExecutionFilter(usageType: "interview")),
        ("provider=openai", ExecutionFilter(provider: "openai")),
        ("model_name=gpt-5", ExecutionFilter(modelName: "gpt-5")),
        ("has_error=true", ExecutionFilter(status: .error)),
        ("has_error=false", ExecutionFilter(status: .ok)),
        ("start_date=2026-09-22T10:00:00Z", ExecutionFilter(from: Timestamp.parse("2026-09-22T10:00:00Z"))),
        ("end_date=2026-09-22T10:00:00Z", ExecutionFilter(to: Timestamp.parse("2026-09-22T10:00:00Z"))),
        // A bare end date includes its whole (UTC) day.
        ("end_date=2026-09-21", ExecutionFilter(to: Timestamp.parse("2026-09-22T00:00:00Z"))),
        ("start_date=2026-09-22", ExecutionFilter(from: Timestamp.parse("2026-09-22T00:00:00Z"))),
        (
            "provider=anthropic&has_error=false&start_date=2026-09-21T18:00:00Z&end_date=2026-09-22T06:00:00Z",
            ExecutionFilter(
                provider: "anthropic", status: .ok, from: Timestamp.parse("2026-09-21T18:00:00Z"),
                to: Timestamp.parse("2026-09-22T06:00:00Z"))
        ),
        ("usage_type=&provider=", ExecutionFilter()),
        ("provider=nobody", ExecutionFilter(provider: "nobody")),
    ]

    @Test(arguments: filters)
    func filtersNarrowTheList(_ query: String, _ filter: ExecutionFilter) async throws {
        let expected = fixture.expected(filter).map(\.idString)
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions/?limit=1000&\(query)", method: .get)
            #expect(response.status == .ok)
            let body = try JSONBody(response)
            #expect(body.itemIDs == expected)
            #expect(body["next_cursor"] is NSNull)
        }
        #expect(!expected.isEmpty || filter.provider == "nobody")
    }

    @Test func skipAndLimitPageLikeTheOriginal() async throws {
        let expected = fixture.expected(ExecutionFilter()).map(\.idString)
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions/?skip=10&limit=5", method: .get)
            let body = try JSONBody(response)
            #expect(body.itemIDs == Array(expected[10..<15]))
            #expect(body.int("skip") == 10)
            #expect(body.int("limit") == 5)
        }
    }

    @Test func cursorsWalkEveryPageOnce() async throws {
        let expected = fixture.expected(ExecutionFilter(usageType: "general")).map(\.idString)
        let walked = try await fixture.withClient { client in
            var ids: [String] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/ai-executions/?usage_type=general&limit=7" + (cursor.map { "&cursor=\($0)" } ?? "")
                let body = try JSONBody(try await client.execute(uri: uri, method: .get))
                ids += body.itemIDs
                cursor = body.string("next_cursor")
            } while cursor != nil && ids.count < 10_000
            return ids
        }
        #expect(walked == expected)
    }

    static let badParameters: [(query: String, parameter: String)] = [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=1001", "limit"),
        ("skip=-1", "skip"),
        ("skip=1.5", "skip"),
        ("has_error=maybe", "has_error"),
        ("start_date=yesterday", "start_date"),
        ("end_date=2026-13-01", "end_date"),
        ("start_date=2026-09-22&end_date=2026-09-21T00:00:00Z", "end_date"),
        ("cursor=not-a-cursor", "cursor"),
        ("sort=asc", "sort"),
        ("provider=openai&provider=google", "provider"),
    ]

    @Test(arguments: badParameters)
    func badParametersAnswer400NamingTheParameter(_ query: String, _ parameter: String) async throws {
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions/?\(query)", method: .get)
            #expect(response.status == .badRequest)
            let body = try JSONBody(response)
            #expect(body.string("parameter") == parameter)
            let message = try #require(body.string("error"))
            #expect(message.contains(parameter))
            #expect(!message.contains("\n"))
        }
    }
}
