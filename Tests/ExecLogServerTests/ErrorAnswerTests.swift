import ExecLogModel
import ExecLogTestSupport
import Foundation
import GRDB
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Every failure of `execlog serve` is a JSON error with its status, and the server goes on serving: no
/// route, a request NIO cannot parse, a row edited by hand into something no execution is.
@Suite(.serialized) struct ErrorAnswerTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture(count: 20) }

    static func expectJSONError(_ answer: (Int, Data), status: Int, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.0 == status, sourceLocation: sourceLocation)
        let body = try? JSONValue.parse(answer.1)
        #expect(
            body?["error"]?.stringValue?.contains(text) == true,
            "\(String(decoding: answer.1, as: UTF8.self))", sourceLocation: sourceLocation)
    }

    @Test func unknownPathsWrongMethodsAndHugeQueriesAreJSONErrors() async throws {
        let (server, base) = try await ServeCommandTests.serve(["--db", fixture.path])
        defer { server.signal(SIGTERM) }
        Self.expectJSONError(
            try await ServeCommandTests.get(base.appendingPathComponent("no/such/page")), status: 404,
            containing: "no such endpoint: GET /no/such/page")
        Self.expectJSONError(
            try await ServeCommandTests.get(base.appendingPathComponent("api/v1/ai-executions/stats"), method: "POST"),
            status: 405, containing: "method POST is not allowed on /api/v1/ai-executions/stats")
        let huge = try #require(URL(string: base.absoluteString + "/api/v1/ai-executions/?usage_type=" + String(repeating: "x", count: 100_000)))
        Self.expectJSONError(try await ServeCommandTests.get(huge), status: 400, containing: "request too large")
        #expect(try await ServeCommandTests.get(base.appendingPathComponent("api/v1/ai-executions/stats")).0 == 200)
        #expect(await server.stop() == 0, "\(server.stderr)")
    }

    /// As the sqlite3 shell would (a blocking call, kept out of the async test's own context).
    static func edit(_ path: String, _ sql: String, _ id: String) throws {
        try DatabaseQueue(path: path).write { db in try db.execute(sql: sql, arguments: [id]) }
    }

    @Test func aRowEditedByHandIsA500AndTheServerServesOn() async throws {
        let bad = fixture.executions[3].idString
        try Self.edit(fixture.path, "UPDATE ai_executions SET input_tokens = 'many' WHERE id = ?", bad)
        let (server, base) = try await ServeCommandTests.serve(["--db", fixture.path])
        defer { server.signal(SIGTERM) }
        let detail = base.appendingPathComponent("api/v1/ai-executions/\(bad)")
        Self.expectJSONError(try await ServeCommandTests.get(detail), status: 500, containing: "execution \(bad): column input_tokens")
        Self.expectJSONError(
            try await ServeCommandTests.get(base.appendingPathComponent("api/v1/ai-executions/")), status: 500,
            containing: "column input_tokens holds \"many\"")
        let good = base.appendingPathComponent("api/v1/ai-executions/\(fixture.executions[4].idString)")
        #expect(try await ServeCommandTests.get(good).0 == 200, "still serving")
        #expect(await server.stop() == 0, "\(server.stderr)")
    }
}
