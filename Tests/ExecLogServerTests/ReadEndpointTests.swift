import ExecLogModel
import ExecLogStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Detail, stats, time series and facets.
@Suite struct ReadEndpointTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture() }

    @Test func detailIsTheFullExecutionAsTheModelEncodesIt() async throws {
        let execution = try #require(fixture.executions.first { $0.isError && $0.systemPrompt != nil })
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions/\(execution.idString)", method: .get)
            #expect(response.status == .ok)
            let body = try JSONBody(response)
            let stored = try Execution.decodeEvent(Data(buffer: response.body))
            #expect(stored == execution)
            #expect(body.string("error_message") == execution.errorMessage)
            #expect(body["response_content"] != nil)
            #expect(body["temperature"] != nil)
        }
    }

    @Test func detailTakesAUniquePrefix() async throws {
        let execution = fixture.executions[42]
        try await fixture.withClient { client in
            let response = try await client.execute(
                uri: "/api/v1/ai-executions/\(execution.idString.prefix(23))", method: .get)
            #expect(response.status == .ok)
            #expect(try JSONBody(response).string("id") == execution.idString)
        }
    }

    @Test func unknownIDIs404AndAMalformedOne400() async throws {
        try await fixture.withClient { client in
            let unknown = try await client.execute(
                uri: "/api/v1/ai-executions/00000000-0000-7000-8000-000000000000", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try JSONBody(unknown).string("error") == "no execution with id 00000000-0000-7000-8000-000000000000")
            let malformed = try await client.execute(uri: "/api/v1/ai-executions/not-an-id", method: .get)
            #expect(malformed.status == .badRequest)
            #expect(try JSONBody(malformed).string("parameter") == "id")
            let extra = try await client.execute(
                uri: "/api/v1/ai-executions/\(fixture.executions[0].idString)?verbose=1", method: .get)
            #expect(extra.status == .badRequest)
        }
    }

    static let statsQueries: [(query: String, filter: ExecutionFilter)] = [
        ("", ExecutionFilter()),
        (
            "start_date=2026-09-22&end_date=2026-09-22",
            ExecutionFilter(from: Timestamp.parse("2026-09-22T00:00:00Z"), to: Timestamp.parse("2026-09-23T00:00:00Z"))
        ),
        ("provider=google&has_error=true", ExecutionFilter(provider: "google", status: .error)),
        ("usage_type=interview&model_name=gpt-5", ExecutionFilter(usageType: "interview", modelName: "gpt-5")),
    ]

    @Test(arguments: statsQueries)
    func statsAreTheStoresStats(_ query: String, _ filter: ExecutionFilter) async throws {
        let stats = try fixture.storeStats(filter)
        #expect(stats.totalExecutions == fixture.expected(filter).count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = try encoder.encode(stats)
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions/stats?\(query)", method: .get)
            #expect(response.status == .ok)
            #expect(Data(buffer: response.body) == expected)
            let body = try JSONBody(response)
            for key in [
                "total_executions", "total_input_tokens", "total_output_tokens", "total_tokens", "executions_by_provider",
                "executions_by_usage_type", "avg_execution_time_ms", "error_count", "p95_execution_time_ms",
                "executions_by_model",
            ] {
                #expect(body[key] != nil, "missing \(key)")
            }
        }
    }

    @Test func statsRejectsListParameters() async throws {
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions/stats?limit=5", method: .get)
            #expect(response.status == .badRequest)
            #expect(try JSONBody(response).string("parameter") == "limit")
        }
    }

    @Test func timeSeriesAddsUpToTheStatsByDayAndByHour() async throws {
        let stats = try fixture.storeStats()
        try await fixture.withClient { client in
            for (bucket, buckets) in [("day", 3), ("hour", 36)] {
                let response = try await client.execute(
                    uri: "/api/v1/ai-executions/timeseries?bucket=\(bucket)", method: .get)
                #expect(response.status == .ok)
                let body = try JSONBody(response)
                #expect(body.string("bucket") == bucket)
                let points = try #require(body["points"] as? [[String: Any]])
                #expect(points.count == buckets)
                #expect(points.compactMap { $0["executions"] as? Int }.reduce(0, +) == stats.totalExecutions)
                #expect(points.compactMap { $0["total_tokens"] as? Int }.reduce(0, +) == stats.totalTokens)
                #expect(points.compactMap { $0["errors"] as? Int }.reduce(0, +) == stats.errorCount)
                let byProvider = points.compactMap { $0["by_provider"] as? [String: [String: Int]] }
                #expect(byProvider.flatMap(\.values).compactMap { $0["executions"] }.reduce(0, +) == stats.totalExecutions)
                #expect(points.first?["start"] as? String == (bucket == "day" ? "2026-09-21T00:00:00.000Z" : "2026-09-21T14:00:00.000Z"))
            }
        }
    }

    @Test func timeSeriesFiltersAndRejectsAnUnknownBucket() async throws {
        let errors = fixture.expected(ExecutionFilter(provider: "openai", status: .error)).count
        try await fixture.withClient { client in
            let response = try await client.execute(
                uri: "/api/v1/ai-executions/timeseries?provider=openai&has_error=true", method: .get)
            let points = try #require(try JSONBody(response)["points"] as? [[String: Any]])
            #expect(points.compactMap { $0["errors"] as? Int }.reduce(0, +) == errors)
            let bad = try await client.execute(uri: "/api/v1/ai-executions/timeseries?bucket=week", method: .get)
            #expect(bad.status == .badRequest)
            #expect(try JSONBody(bad).string("error") == "invalid bucket \"week\": expected hour or day")
        }
    }

    @Test func facetsListTheDistinctValues() async throws {
        let executions = fixture.executions
        try await fixture.withClient { client in
            let body = try JSONBody(try await client.execute(uri: "/api/v1/ai-executions/facets", method: .get))
            #expect(body["usage_types"] as? [String] == Set(executions.map(\.usageType)).sorted())
            #expect(body["providers"] as? [String] == Set(executions.map(\.provider)).sorted())
            #expect(body["model_names"] as? [String] == Set(executions.map(\.modelName)).sorted())
        }
    }
}
