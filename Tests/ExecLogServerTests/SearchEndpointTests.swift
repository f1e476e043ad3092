import ExecLogModel
import ExecLogStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `q=` and the trace, session, user and tag filters on the REST API; traces, sessions and breakdowns.
@Suite struct SearchEndpointTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture() }

    static func says(_ execution: Execution, _ word: String) -> Bool {
        var texts = [execution.systemPrompt, execution.responseContent, execution.errorMessage].compactMap { $0 }
        if case .array(let messages) = execution.inputMessages { texts += messages.compactMap { $0["content"]?.stringValue } }
        return texts.contains { $0.lowercased().contains(word) }
    }

    @Test func qFindsTheHitsNewestFirstEachWithItsSnippet() async throws {
        let expected = fixture.expected(ExecutionFilter(provider: "anthropic")).filter { Self.says($0, "idempotent") }
        try #require(!expected.isEmpty)
        try await fixture.withClient { client in
            // A space encoded as + and as %20, as browsers and curl send it.
            for query in ["q=%22payment+module%22+idempotent", "q=%22payment%20module%22%20idempotent"] {
                let response = try await client.execute(
                    uri: "/api/v1/ai-executions?\(query)&provider=anthropic&limit=1000", method: .get)
                #expect(response.status == .ok)
                let body = try JSONBody(response)
                #expect(body.itemIDs == expected.map(\.idString), "\(query)")
                for item in body.items {
                    let segments = try #require(item["snippet"] as? [[String: Any]])
                    #expect(segments.contains { $0["match"] as? Bool == true && ($0["text"] as? String)?.lowercased() == "idempotent" })
                }
            }
            let stats = try JSONBody(try await client.execute(uri: "/api/v1/ai-executions/stats?q=idempotent&provider=anthropic", method: .get))
            #expect(stats.int("total_executions") == expected.count)
        }
    }

    @Test func aBadQueryIsA400NamingQ() async throws {
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions?q=gpt-4", method: .get)
            #expect(response.status == .badRequest)
            let body = try JSONBody(response)
            #expect(body.string("parameter") == "q")
            #expect(body.string("error")?.hasPrefix("invalid search query \"gpt-4\"") == true)
        }
    }

    @Test func traceSessionUserAndTagFilterTheListAndStats() async throws {
        let sample = try #require(fixture.executions.last)
        let cases: [(String, @Sendable (Execution) -> Bool)] = [
            ("trace_id=\(sample.traceID ?? "")", { $0.traceID == sample.traceID }),
            ("session_id=\(sample.sessionID ?? "")", { $0.sessionID == sample.sessionID }),
            ("user_id=\(sample.userID ?? "")", { $0.userID == sample.userID }),
            ("tag=retry", { $0.tags.contains("retry") }),
        ]
        try await fixture.withClient { client in
            for (query, matches) in cases {
                let expected = fixture.expected(ExecutionFilter()).filter(matches).prefix(1000).map(\.idString)
                let list = try JSONBody(try await client.execute(uri: "/api/v1/ai-executions?\(query)&limit=1000", method: .get))
                #expect(list.itemIDs == Array(expected), "\(query)")
                let stats = try JSONBody(try await client.execute(uri: "/api/v1/ai-executions/stats?\(query)", method: .get))
                #expect(stats.int("total_executions") == expected.count, "\(query)")
            }
        }
    }

    @Test func aTraceAndASessionAreTimelines() async throws {
        let sample = try #require(fixture.executions.last)
        let traceID = try #require(sample.traceID)
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/traces/\(traceID)", method: .get)
            #expect(response.status == .ok)
            let body = try JSONBody(response)
            #expect(body.string("kind") == "trace" && body.string("id") == traceID)
            let executions = try #require(body["executions"] as? [[String: Any]])
            #expect(executions.map { $0["id"] as? String } == [sample.idString])
            #expect(executions.first?["start_offset_ms"] as? Int == 0)
            let totals = try #require(body["totals"] as? [String: Any])
            #expect(totals["executions"] as? Int == 1)

            let sessionID = try #require(sample.sessionID)
            let session = try JSONBody(try await client.execute(uri: "/api/v1/sessions/\(sessionID)", method: .get))
            let inSession = fixture.executions.filter { $0.sessionID == sessionID }
            #expect((session["executions"] as? [[String: Any]])?.count == inSession.count)

            let missing = try await client.execute(uri: "/api/v1/traces/no-such-trace", method: .get)
            #expect(missing.status == .notFound)
            #expect(try JSONBody(missing).string("error") == "no executions with trace id no-such-trace")
        }
    }

    @Test func aBreakdownIsTheTopValues() async throws {
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions/breakdown?by=model&limit=3", method: .get)
            #expect(response.status == .ok)
            let body = try JSONBody(response)
            let counts = Dictionary(grouping: fixture.executions, by: \.modelName).mapValues(\.count)
            let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
            let entries = try #require(body["entries"] as? [[String: Any]])
            #expect(entries.map { $0["key"] as? String } == top.map(\.key))
            #expect(entries.map { $0["executions"] as? Int } == top.map(\.value))
            let bad = try await client.execute(uri: "/api/v1/ai-executions/breakdown?by=planet", method: .get)
            #expect(bad.status == .badRequest)
            #expect(try JSONBody(bad).string("parameter") == "by")
        }
    }
}
