import ExecLogModel
import ExecLogServer
import ExecLogStore
import ExecLogTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Names with a space or a `+`, sent the way browsers encode a form (URLSearchParams: a space as `+`,
/// a `+` as `%2B`) and the way curl users write them (`%20`): each matches exactly its executions.
@Suite struct UnusualNameTests {
    let folder: TemporaryFolder
    let path: String

    /// Each odd name, and a plain neighbour that a decoding slip would match instead.
    static let names: [(parameter: String, value: String, neighbour: String)] = [
        ("usage_type", "code review", "code"),
        ("model_name", "c++ helper", "c"),
        ("provider", "azure openai", "azure"),
    ]

    init() throws {
        folder = try TemporaryFolder()
        path = folder.path("s.db")
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        var executions: [Execution] = []
        for index in 0..<24 {
            let odd = index % 2 == 0
            executions.append(
                Execution(
                    id: .v7(at: start.addingTimeInterval(Double(index))),
                    usageType: odd ? "code review" : "code",
                    inputMessages: [["role": "user", "content": "Review this."]],
                    responseContent: "Looks fine.",
                    inputTokens: 10, outputTokens: 5, totalTokens: 15,
                    provider: odd ? "azure openai" : "azure",
                    modelName: odd ? "c++ helper" : "c", executionTimeMs: 100,
                    createdAt: start.addingTimeInterval(Double(index))))
        }
        try ExecutionStore(path: path, mode: .create).insert(executions)
    }

    static func encodings(_ value: String) -> [String] {
        let form = value.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(
            of: " ", with: "+")
        let percent = value.replacingOccurrences(of: "+", with: "%2B").replacingOccurrences(
            of: " ", with: "%20")
        return [form, percent]
    }

    @Test(arguments: names)
    func eachEndpointMatchesTheNameExactly(
        _ name: (parameter: String, value: String, neighbour: String)
    ) async throws {
        try await server().application().test(.router) { client in
            try await check(name, client)
        }
    }

    func server() throws -> DashboardServer {
        DashboardServer(
            store: try StoreAccess(path: path), configuration: .init(host: "127.0.0.1", port: 0))
    }

    func check(
        _ name: (parameter: String, value: String, neighbour: String), _ client: any TestClientProtocol
    ) async throws {
        for encoded in Self.encodings(name.value) {
            let query = "\(name.parameter)=\(encoded)"
            let list = try JSONBody(
                try await client.execute(uri: "/api/v1/ai-executions?\(query)", method: .get))
            #expect(list.items.count == 12, "\(query)")
            #expect(list.items.allSatisfy { $0[name.parameter] as? String == name.value }, "\(query)")

            let stats = try JSONBody(
                try await client.execute(uri: "/api/v1/ai-executions/stats?\(query)", method: .get))
            #expect(stats.int("total_executions") == 12, "\(query)")

            let series = try JSONBody(
                try await client.execute(
                    uri: "/api/v1/ai-executions/timeseries?bucket=hour&\(query)", method: .get))
            let points = series["points"] as? [[String: Any]] ?? []
            #expect(points.map { $0["executions"] as? Int ?? 0 }.reduce(0, +) == 12, "\(query)")
            // Every call took 100 ms; each bucket's usage types add up to it.
            #expect(points.allSatisfy { $0["p95_execution_time_ms"] as? Int == 100 }, "\(points)")
            #expect(points.allSatisfy { point in
                let usageTypes = point["by_usage_type"] as? [String: [String: Any]] ?? [:]
                return usageTypes.values.map { $0["executions"] as? Int ?? 0 }.reduce(0, +) == point["executions"] as? Int
            })

            let dimension =
                ["model_name": "model", "usage_type": "usage-type"][name.parameter] ?? name.parameter
            let breakdown = try JSONBody(
                try await client.execute(
                    uri: "/api/v1/ai-executions/breakdown?by=\(dimension)&\(query)", method: .get))
            let rows = breakdown["entries"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["key"] as? String } == [name.value], "\(query): \(breakdown.object)")
        }
        // The neighbour is its own value, not a prefix match.
        let neighbour = try JSONBody(
            try await client.execute(
                uri: "/api/v1/ai-executions?\(name.parameter)=\(name.neighbour)", method: .get))
        #expect(neighbour.items.allSatisfy { $0[name.parameter] as? String == name.neighbour })
        #expect(neighbour.items.count == 12)
    }
}
