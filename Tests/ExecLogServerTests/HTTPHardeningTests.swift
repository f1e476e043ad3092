import ExecLogModel
import ExecLogServer
import ExecLogTestSupport
import Foundation
import Testing

/// What keeps other web sites out of `execlog serve`, and the HTTP every path answers, on the real
/// server over a real socket: the Host check against DNS rebinding, the security headers on every
/// answer, HEAD, OPTIONS and 405 with `Allow`.
@Suite(.serialized) struct HTTPHardeningTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture(count: 20) }

    func exchange(_ base: URL, _ method: String, _ path: String, host: String?) async throws -> RawHTTP.Answer {
        let port = try #require(base.port)
        return try await Task.detached { try RawHTTP.exchange(port: port, method, path, host: host) }.value
    }

    static func expectSecurityHeaders(_ answer: RawHTTP.Answer, sourceLocation: SourceLocation = #_sourceLocation) {
        let policy = answer.headers["content-security-policy"] ?? ""
        #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), sourceLocation: sourceLocation)
        #expect(!policy.contains("unsafe-inline"), sourceLocation: sourceLocation)
        #expect(answer.headers["x-content-type-options"] == "nosniff", sourceLocation: sourceLocation)
        #expect(answer.headers["referrer-policy"] == "no-referrer", sourceLocation: sourceLocation)
        #expect(answer.headers["x-frame-options"] == "DENY", sourceLocation: sourceLocation)
        #expect(answer.headers["cross-origin-resource-policy"] == "same-origin", sourceLocation: sourceLocation)
    }

    @Test(.timeLimit(.minutes(2)))
    func onlyTheNamesItIsServedAsAreAnswered() async throws {
        let (server, base) = try await ServeCommandTests.serve(["--db", fixture.path, "--allowed-host", "execlog.example.com"])
        defer { server.signal(SIGTERM) }
        let port = try #require(base.port)
        let stats = "/api/v1/ai-executions/stats"
        for host in [
            "127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST", "[::1]:\(port)", "execlog.example.com",
            "execlog.example.com.:443", "app.localhost:\(port)", "10.1.2.3:\(port)", "[fe80::1]",
        ] {
            let answer = try await exchange(base, "GET", stats, host: host)
            #expect(answer.status == 200, "Host: \(host)")
        }
        for host in ["evil.example", "evil.example:\(port)", "127.0.0.1.evil.example", "localhost.evil.example", "execlog.example.com.evil"] {
            for path in [stats, "/", "/api/v1/ai-executions/\(fixture.executions[0].idString)", "/no/such/page"] {
                let answer = try await exchange(base, "GET", path, host: host)
                #expect(answer.status == 421, "Host: \(host) \(path)")
                let error = try JSONValue.parse(answer.body)["error"]?.stringValue ?? ""
                #expect(error.contains("--allowed-host"), "\(error)")
                #expect(!error.contains("total_executions"))
                Self.expectSecurityHeaders(answer)
            }
        }
        // HTTP/1.1 without Host: no browser sends that, so nothing to rebind.
        #expect(try await exchange(base, "GET", stats, host: nil).status != 421)
        #expect(server.stderr.contains("refused a request for another host"), "\(server.stderr)")
        #expect(await server.stop() == 0, "\(server.stderr)")
    }

    @Test(.timeLimit(.minutes(2)))
    func everyAnswerCarriesTheSecurityHeaders() async throws {
        let (server, base) = try await ServeCommandTests.serve(["--db", fixture.path])
        defer { server.signal(SIGTERM) }
        for (method, path) in [
            ("GET", "/"), ("GET", "/dashboard.js"), ("GET", "/api/v1/ai-executions"), ("GET", "/api/v1/ai-executions/stats?limit=x"),
            ("GET", "/nope"), ("POST", "/api/v1/ai-executions"), ("OPTIONS", "/"), ("HEAD", "/"),
        ] {
            let answer = try await exchange(base, method, path, host: "127.0.0.1")
            Self.expectSecurityHeaders(answer)
            #expect(answer.status < 500, "\(method) \(path): \(answer.status)")
        }
        #expect(await server.stop() == 0, "\(server.stderr)")
    }

    @Test(.timeLimit(.minutes(2)))
    func headOptionsAndWrongMethodsAreAnswered() async throws {
        let (server, base) = try await ServeCommandTests.serve(["--db", fixture.path])
        defer { server.signal(SIGTERM) }
        let host = "127.0.0.1"
        // HEAD: GET's status and headers, no body.
        for path in ["/", "/dashboard.css", "/api/v1/ai-executions/stats", "/api/v1/ai-executions?limit=3"] {
            let get = try await exchange(base, "GET", path, host: host)
            let head = try await exchange(base, "HEAD", path, host: host)
            #expect(head.status == 200 && get.status == 200, "\(path)")
            #expect(head.body.isEmpty, "\(path)")
            #expect(head.headers["content-type"] == get.headers["content-type"], "\(path)")
            #expect(head.headers["content-length"] == String(get.body.count), "\(path)")
        }
        #expect(try await exchange(base, "HEAD", "/no/such/page", host: host).status == 404)

        let options = try await exchange(base, "OPTIONS", "/api/v1/ai-executions", host: host)
        #expect(options.status == 204)
        #expect(options.headers["allow"] == "GET, HEAD, DELETE, OPTIONS")
        #expect(try await exchange(base, "OPTIONS", "/", host: host).headers["allow"] == "GET, HEAD, OPTIONS")

        for (method, path, allow) in [
            ("POST", "/api/v1/ai-executions", "GET, HEAD, DELETE, OPTIONS"),
            ("PUT", "/api/v1/ai-executions/\(fixture.executions[0].idString)", "GET, HEAD, DELETE, OPTIONS"),
            ("POST", "/api/v1/ai-executions/stats", "GET, HEAD, OPTIONS"),
            ("DELETE", "/", "GET, HEAD, OPTIONS"),
            ("PATCH", "/api/v1/traces/abc", "GET, HEAD, OPTIONS"),
        ] {
            let answer = try await exchange(base, method, path, host: host)
            #expect(answer.status == 405, "\(method) \(path)")
            #expect(answer.headers["allow"] == allow, "\(method) \(path)")
            let error = try JSONValue.parse(answer.body)["error"]?.stringValue ?? ""
            #expect(error.contains("method \(method) is not allowed"), "\(error)")
        }
        // Not a path at all: 404, whatever the method.
        let missing = try await exchange(base, "POST", "/no/such/page", host: host)
        #expect(missing.status == 404)
        #expect(try JSONValue.parse(missing.body)["error"]?.stringValue == "no such endpoint: POST /no/such/page")
        #expect(await server.stop() == 0, "\(server.stderr)")
    }

    @Test(arguments: [
        ("Example.COM:8000", "example.com"), ("[::1]:8000", "::1"), ("::1", "::1"), ("localhost.", "localhost"),
        ("10.0.0.1", "10.0.0.1"), ("[fe80::1%25eth0]", "fe80::1%25eth0"),
    ])
    func hostHeadersAreReadAsNames(_ header: String, _ name: String) {
        #expect(HostAllowList.bareHost(header) == name)
    }

    @Test func aStarAllowsAnyNameAndABindNameIsAllowed() {
        #expect(HostAllowList(bindHost: "127.0.0.1", allowed: ["*"]).allows(hostHeader: "evil.example"))
        #expect(HostAllowList(bindHost: "dashboard.internal").allows(hostHeader: "dashboard.internal:8000"))
        #expect(!HostAllowList(bindHost: "0.0.0.0").allows(hostHeader: "evil.example"))
    }
}
