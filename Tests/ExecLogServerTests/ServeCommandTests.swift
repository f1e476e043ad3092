import ExecLogModel
import ExecLogTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `execlog serve` as a real process: the address line, answers over HTTP, graceful stop, bad input.
@Suite(.serialized) struct ServeCommandTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture(count: 50) }

    /// Starts `execlog serve` on a free port; returns the process and its base URL.
    static func serve(_ arguments: [String], environment: [String: String] = [:]) async throws -> (ChildProcess, URL) {
        let server = try ChildProcess(try Products.url("execlog"), ["serve", "--port", "0"] + arguments, environment: environment)
        let line = try #require(
            await server.waitForLine(startingWith: "execlog serve: listening on http://", timeout: 20),
            "no address line: \(server.stdout) \(server.stderr)")
        let address = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") })
        return (server, try #require(URL(string: String(address))))
    }

    static func get(_ url: URL, method: String = "GET", token: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test func servesOnLoopbackAndStopsGracefullyOnSIGTERM() async throws {
        let (server, base) = try await Self.serve(["--db", fixture.path])
        defer { server.signal(SIGTERM) }
        #expect(base.host == "127.0.0.1")
        #expect(base.port != 0)
        #expect(server.stdout.contains("deleting disabled"))
        let (status, data) = try await Self.get(base.appendingPathComponent("api/v1/ai-executions/stats"))
        #expect(status == 200)
        let stats = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(stats?["total_executions"] as? Int == 50)
        let (deleteStatus, _) = try await Self.get(
            base.appendingPathComponent("api/v1/ai-executions/\(fixture.executions[0].idString)"), method: "DELETE",
            token: "x")
        #expect(deleteStatus == 403)
        #expect(await server.stop() == 0, "stderr: \(server.stderr)")
    }

    @Test func theAdminTokenComesFromTheEnvironment() async throws {
        let (server, base) = try await Self.serve(["--db", fixture.path], environment: ["EXECLOG_ADMIN_TOKEN": "from-env"])
        defer { server.signal(SIGTERM) }
        #expect(server.stdout.contains("deleting enabled"))
        let url = base.appendingPathComponent("api/v1/ai-executions/\(fixture.executions[1].idString)")
        #expect(try await Self.get(url, method: "DELETE").0 == 401)
        #expect(try await Self.get(url, method: "DELETE", token: "from-env").0 == 200)
        #expect(try await Self.get(url).0 == 404)
        #expect(await server.stop() == 0)
    }

    @Test(arguments: [
        (["--db", "/nonexistent/x.db"], "execlog: no execlog store at /nonexistent/x.db"),
        (["--port", "70000"], "execlog: invalid --port \"70000\": expected a whole number from 0 to 65535"),
        (["--bind", "not an address"], "execlog: cannot serve on not an address port 0: "),
        (["--log-level", "loud"], "execlog: log-level: \"loud\" is not one of [\"trace\", \"debug\", \"info\""),
    ])
    func badInputIsOneLineAndStatus1(_ arguments: [String], _ message: String) throws {
        let process = try ChildProcess(
            try Products.url("execlog"), ["serve", "--port", "0", "--db", fixture.path] + arguments)
        let status = process.waitForExit(timeout: 20)
        #expect(status == 1)
        #expect(process.stderr.hasPrefix(message), "\(process.stderr)")
        #expect(process.stderr.split(separator: "\n").count == 1, "\(process.stderr)")
    }

    @Test func aPortInUseIsOneLineAndStatus1() async throws {
        let (server, base) = try await Self.serve(["--db", fixture.path])
        defer { server.signal(SIGTERM) }
        let second = try ChildProcess(
            try Products.url("execlog"), ["serve", "--db", fixture.path, "--port", "\(try #require(base.port))"])
        #expect(await second.waitForExit(timeout: 20) == 1)
        #expect(second.stderr.hasPrefix("execlog: cannot serve on 127.0.0.1 port \(base.port!): "), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
    }
}
