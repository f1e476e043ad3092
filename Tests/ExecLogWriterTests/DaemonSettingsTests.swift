import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import ExecLogWire
import ExecLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite(.timeLimit(.minutes(1)))
struct DaemonSettingsTests {
    @Test func retentionDeletesOldExecutionsWhileServing() throws {
        let folder = try TemporaryFolder()
        let storePath = folder.path("store.db")
        var generator = ExecutionGenerator(seed: 5)
        let old = (0..<3_000).map { generator.next(createdAt: Date().addingTimeInterval(-3 * 86_400 - Double($0))) }
        let recent = (0..<500).map { generator.next(createdAt: Date().addingTimeInterval(-Double($0))) }
        try ExecutionStore(path: storePath, mode: .create).insert(old + recent)

        let daemon = try Daemon(folder: folder, extraArguments: ["--retention", "2d"])
        try daemon.waitUntilReady()
        let store = try ExecutionStore(path: storePath, mode: .readOnly)
        _ = try Poll.until(timeout: 20) { try store.count() > 500 ? nil : true }
        #expect(try store.count() == 500)
        #expect(try store.count(ExecutionFilter(to: Date().addingTimeInterval(-2 * 86_400))) == 0)
    }

    @Test func settingsComeFromAConfigFileAndTheEnvironment() throws {
        let folder = try TemporaryFolder()
        let socket = folder.path("cfg.sock")
        try """
            # execlogd settings
            listen = ipc://\(socket)
            db = \(folder.path("from-config.db"))   # overridden by EXECLOGD_DB below
            commit-interval = 5ms
            max-field-bytes = 1048576
            """.write(toFile: folder.path("execlogd.conf"), atomically: true, encoding: .utf8)
        let process = try ChildProcess(
            product: "execlogd", ["--config", folder.path("execlogd.conf")],
            environment: ["EXECLOGD_DB": folder.path("from-env.db")])
        let status = Poll.until(timeout: 15) { () -> WriterStatus?? in
            guard process.isRunning else { return .some(nil) }
            return (try? RawClient(endpoint: "ipc://" + socket).status(timeout: 0.3)).map { $0 }
        }
        let answered = try #require(status ?? nil, "execlogd did not answer on the socket named in its config file: \(process.stderr)")
        #expect(answered.store == folder.path("from-env.db"))
        #expect(
            answered.limits
                == WriterStatus.Limits(
                    maxMessageBytes: 64 << 20, maxEventBytes: 32 << 20, maxFieldBytes: 1 << 20, maxBatchEvents: 10_000))
    }

    /// Limits nest (a field within an event within a frame); an unset one follows a smaller outer one.
    @Test(arguments: [
        (["--max-message-bytes", "1000", "--max-event-bytes", "2000"], "max-event-bytes (2000) must not be above max-message-bytes (1000)"),
        (["--max-event-bytes", "1000", "--max-field-bytes", "2000"], "max-field-bytes (2000) must not be above max-event-bytes (1000)"),
        (["--max-batch-events", "10001"], "max-batch-events: at most 10000"),
        (["--max-field-bytes", "0"], "max-field-bytes: expected a whole number > 0"),
    ])
    func limitsThatDoNotNestAreAClearErrorAtStart(arguments: [String], message: String) throws {
        let folder = try TemporaryFolder()
        let process = try ChildProcess(
            product: "execlogd", ["--listen", "ipc://" + folder.path("never.sock"), "--db", folder.path("never.db")] + arguments)
        #expect(process.waitForExit(timeout: 20) == 64)
        let output = process.stderr
        #expect(output.contains(message), "\(output)")
        #expect(output.hasPrefix("Error: ") && output.split(separator: "\n").count <= 3, "one error line and a usage hint: \(output)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("never.db")))
    }

    @Test func aBadSettingIsAClearErrorAtStart() throws {
        let process = try ChildProcess(product: "execlogd", ["--listen", "udp://nope", "--db", "/tmp/never.db"])
        #expect(process.waitForExit(timeout: 20) == 64)
        let output = process.stderr
        #expect(output.contains("is not an ipc:// or tcp:// endpoint"), "\(output)")
    }
}
