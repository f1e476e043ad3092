import ExecLog
import ExecLogModel
import ExecLogTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The deepest event the writer accepts, sent through the library to a real `execlogd`, is readable by
/// every reader: `execlog show --json`, the REST detail and the page's drawer; one level more is rejected
/// with its reason and kept as a dead letter.
@Suite(.serialized) struct DeepEventTests {
    /// Nested `levels` deep: arrays in `input_messages`, objects in `execution_metadata`.
    static func execution(levels: Int, metadataLevels: Int) -> Execution {
        var messages: JSONValue = .array([])
        for _ in 1..<levels { messages = .array([messages]) }
        var metadata: JSONValue = .object([:])
        for _ in 1..<metadataLevels { metadata = .object(["a": metadata]) }
        // Whole milliseconds, as the store keeps them, so that what comes back compares equal.
        let now = (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000
        return Execution(
            usageType: "deep", inputMessages: messages, provider: "openai", modelName: "gpt-5",
            executionMetadata: metadata, createdAt: Date(timeIntervalSince1970: now))
    }

    @Test(.timeLimit(.minutes(4)))
    func theDeepestAcceptedEventReadsEverywhere() async throws {
        let folder = try TemporaryFolder()
        let store = folder.path("store.db")
        let endpoint = "ipc://" + folder.path("w.sock")
        let daemon = try ChildProcess(try Products.url("execlogd"), ["--listen", endpoint, "--db", store])
        defer { daemon.signal(SIGTERM) }

        // The event object is level 1: its fields hold one level less than the parser's limit.
        let deepest = Self.execution(levels: JSONValue.maxNestingDepth - 1, metadataLevels: JSONValue.maxNestingDepth - 1)
        let tooDeep = Self.execution(levels: JSONValue.maxNestingDepth, metadataLevels: 1)
        let log = ExecutionLogger(configuration: try .fromEnvironment(["EXECLOG_ENDPOINT": endpoint]))
        log.record(deepest)
        log.record(tooDeep)
        await log.shutdown(timeout: .seconds(30))
        #expect(log.counters.stored == 1 && log.counters.rejected == 1, "\(log.counters)")
        #expect(await daemon.stop() == 0, "execlogd: \(daemon.stderr)")

        // execlog show --json
        let show = try ChildProcess(try Products.url("execlog"), ["show", "--json", "--db", store, deepest.idString])
        #expect(await show.waitForExit(timeout: 30) == 0, "show: \(show.stderr)")
        #expect(try Execution.decodeEvent(Data(show.stdout.utf8)) == deepest)

        // The rejected one is a dead letter with its reason.
        let letters = try ChildProcess(try Products.url("execlog"), ["dead-letters", "--json", "--db", store])
        #expect(await letters.waitForExit(timeout: 30) == 0, "dead-letters: \(letters.stderr)")
        let listed = try JSONValue.parse(Data(letters.stdout.utf8))
        #expect(listed["count"] == 1)
        guard case .array(let items)? = listed["dead_letters"], let reason = items.first?["reason"]?.stringValue else {
            Issue.record("no dead letter listed: \(letters.stdout)")
            return
        }
        #expect(reason.hasPrefix("input_messages.[0].[0]…") && reason.contains("nested deeper than 512 levels"), "\(reason)")
        #expect(items.first?["event_id"]?.stringValue == tooDeep.idString)

        // The REST detail, and the server still serving after it.
        let (server, base) = try await ServeCommandTests.serve(["--db", store])
        defer { server.signal(SIGTERM) }
        let detailURL = base.appendingPathComponent("api/v1/ai-executions/\(deepest.idString)")
        let (status, body) = try await ServeCommandTests.get(detailURL)
        #expect(status == 200)
        #expect(try Execution.decodeEvent(body) == deepest)
        #expect(try await ServeCommandTests.get(base.appendingPathComponent("api/v1/ai-executions/stats")).0 == 200)

        // The page's drawer.
        let executionFile = folder.path("execution.json")
        try body.write(to: URL(fileURLWithPath: executionFile))
        let script = BrowserTests.root.appendingPathComponent("Tests/browser/dashboard_test.py").path
        let browser = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            ["-k", "10", "\(BrowserTests.scriptTimeout)", "python3", script, "--url", base.absoluteString + "/",
             "--open-newest", executionFile, "--screenshots", folder.path("")])
        #expect(
            await browser.waitForExit(timeout: TimeInterval(BrowserTests.scriptTimeout + 20)) == 0,
            "browser: \(browser.stdout)\n\(browser.stderr.suffix(3_000))")
        #expect(try await ServeCommandTests.get(detailURL).0 == 200, "the server serves on after the drawer")
        #expect(await server.stop() == 0, "execlog serve: \(server.stderr)")
    }
}
