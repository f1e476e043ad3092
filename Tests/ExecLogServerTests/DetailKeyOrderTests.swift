import ExecLogModel
import ExecLogTestSupport
import Foundation
import Testing

/// The detail's JSON keys, metadata included, come in one order on every request, the order of
/// `execlog show --json`: a diff of two answers shows what changed, not a reshuffle.
@Suite struct DetailKeyOrderTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture(count: 10) }

    /// Every object key of a JSON text, in the order written (compact or indented alike).
    static func keys(_ text: String) throws -> [String] {
        let pattern = try NSRegularExpression(pattern: #""((?:[^"\\]|\\.)*)"\s*:"#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func theDetailHasTheOrderOfShowJSONOnEveryRequest() async throws {
        let execution = try #require(fixture.executions.last { $0.executionMetadata != nil })
        let (server, base) = try await ServeCommandTests.serve(["--db", fixture.path])
        defer { server.signal(SIGTERM) }
        let url = base.appendingPathComponent("api/v1/ai-executions/\(execution.idString)")
        var answers: [Data] = []
        for _ in 0..<5 { answers.append(try await ServeCommandTests.get(url).1) }
        #expect(Set(answers).count == 1, "every answer the same bytes")

        let show = try ChildProcess(try Products.url("execlog"), ["show", execution.idString, "--db", fixture.path, "--json"])
        #expect(await show.waitForExit(timeout: 30) == 0, "\(show.stderr)")
        let apiKeys = try Self.keys(String(decoding: try #require(answers.first), as: UTF8.self))
        #expect(apiKeys.contains("execution_metadata") && apiKeys.count > 20)
        #expect(apiKeys == (try Self.keys(show.stdout)))
        #expect(await server.stop() == 0, "\(server.stderr)")
    }
}
