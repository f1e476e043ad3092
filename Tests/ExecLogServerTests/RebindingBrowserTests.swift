import ExecLogTestSupport
import Foundation
import Testing

/// A DNS rebinding attack as a browser makes it: Chromium resolves an outside name to the loopback
/// address `execlog serve` listens on (Tests/browser/rebinding_test.py). Chromium that cannot run is a
/// failure with the reason, never a skip.
@Suite(.serialized) struct RebindingBrowserTests {
    static let scriptTimeout = 90

    @Test(.timeLimit(.minutes(3)))
    func aRebindingPageIsRefusedAndThePageKeepsItsPolicy() async throws {
        let fixture = try ServerFixture(count: 30)
        let (server, base) = try await ServeCommandTests.serve(["--db", fixture.path])
        defer { server.signal(SIGTERM) }
        let port = try #require(base.port)
        let script = BrowserTests.root.appendingPathComponent("Tests/browser/rebinding_test.py").path
        let browser = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/timeout"),
            ["-k", "10", "\(Self.scriptTimeout)", "python3", script, "--port", "\(port)"])
        let status = await browser.waitForExit(timeout: TimeInterval(Self.scriptTimeout + 20))
        #expect(status == 0, "rebinding test: \(browser.stdout)\n\(browser.stderr.suffix(3_000))")
        #expect(browser.stdout.contains("\"passed\": true"), "\(browser.stdout)")
        #expect(server.stderr.contains("refused a request for another host"), "\(server.stderr)")
        #expect(await server.stop() == 0, "execlog serve did not stop cleanly: \(server.stderr)")
    }
}
