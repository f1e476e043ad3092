import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import ExecLogWire
import Foundation
import Testing

/// The writer keeps `dead_letters` within its retention and its size cap, and `status` says so: a flood
/// of bad events can no longer fill the disk.
@Suite(.timeLimit(.minutes(2)))
struct DeadLetterBoundsTests {
    /// A bad event (empty usage type) of about `size` bytes.
    static func badEvent(_ n: Int, size: Int = 1_000) -> [UInt8] {
        EventJSON().string("usage_type", "").string("system_prompt", String(repeating: "p", count: size)).bytes
    }

    /// Polls `status` until `condition` holds; the last status either way.
    static func status(_ client: RawClient, within seconds: TimeInterval, until condition: (WriterStatus) -> Bool) throws
        -> WriterStatus?
    {
        let deadline = Date().addingTimeInterval(seconds)
        var last: WriterStatus?
        while Date() < deadline {
            last = try client.status()
            if let last, condition(last) { return last }
            usleep(50_000)
        }
        return last
    }

    @Test func pastTheCapTheOldestGoAndStatusCountsThem() throws {
        let folder = try TemporaryFolder()
        let cap = 20_000
        let daemon = try Daemon(folder: folder, extraArguments: ["--max-dead-letter-bytes", "\(cap)"])
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        for batch in 0..<5 {
            let ack = try #require(try client.sendBatch("b\(batch)", (0..<20).map { Self.badEvent(batch * 20 + $0) }))
            #expect(ack.rejected.count == 20)
        }
        let status = try #require(try Self.status(client, within: 20) { $0.deadLetterBytes <= cap && $0.deadLettersEvicted > 0 })
        #expect(status.deadLetterBytes <= cap, "\(status.deadLetterBytes) bytes of dead letters, cap \(cap)")
        #expect(status.deadLettersEvicted + status.deadLetters == 100)
        #expect(status.maxDeadLetterBytes == cap)
        #expect(status.deadLetterRetentionSeconds == 30 * 86_400, "the default retention")

        let store = try ExecutionStore(path: daemon.storePath, mode: .readOnly)
        #expect(try store.deadLetterTotals() == DeadLetterTotals(count: status.deadLetters, bytes: status.deadLetterBytes))
        let newest = try #require(try store.deadLetters(limit: 1).first)
        #expect(newest.reason == "usage_type: must not be empty", "the newest are the ones kept")
        #expect(daemon.process.isRunning)
    }

    @Test func deadLettersPastTheirRetentionGoAtStart() throws {
        let folder = try TemporaryFolder()
        let old = (0..<30).map { n in
            DeadLetter(receivedAt: Date().addingTimeInterval(-40 * 86_400 - Double(n)), reason: "old", payload: Array("{}".utf8))
        }
        let recent = (0..<7).map { _ in DeadLetter(receivedAt: Date(), reason: "recent", payload: Array("{}".utf8)) }
        try ExecutionStore(path: folder.path("store.db"), mode: .create).insert([], deadLetters: old + recent)

        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let status = try #require(try Self.status(client, within: 20) { $0.deadLettersExpired == 30 })
        #expect(status.deadLettersExpired == 30 && status.deadLetters == 7)
        let store = try ExecutionStore(path: daemon.storePath, mode: .readOnly)
        #expect(Set(try store.deadLetters().map(\.reason)) == ["recent"])
    }

    @Test func offKeepsThemAll() throws {
        let folder = try TemporaryFolder()
        let old = DeadLetter(receivedAt: Date().addingTimeInterval(-400 * 86_400), reason: "old", payload: Array("{}".utf8))
        try ExecutionStore(path: folder.path("store.db"), mode: .create).insert([], deadLetters: [old])
        let daemon = try Daemon(
            folder: folder, extraArguments: ["--dead-letter-retention", "off", "--max-dead-letter-bytes", "off"])
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        // A commit and the turn after it have run once the ack is back.
        #expect(try client.sendBatch("one", [Self.badEvent(0)])?.rejected.count == 1)
        let status = try #require(try client.status())
        #expect(status.deadLetterRetentionSeconds == nil && status.maxDeadLetterBytes == nil)
        #expect(status.deadLetters == 2 && status.deadLettersExpired == 0 && status.deadLettersEvicted == 0)
    }

    @Test(arguments: [
        (["--max-dead-letter-bytes", "0"], "max-dead-letter-bytes: expected a whole number > 0 or off"),
        (["--max-dead-letter-bytes", "lots"], "max-dead-letter-bytes: expected a whole number > 0 or off"),
        (["--dead-letter-retention", "soon"], "dead-letter-retention: invalid duration"),
    ])
    func badBoundsAreAClearErrorAtStart(arguments: [String], message: String) throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder, extraArguments: arguments)
        #expect(daemon.waitForExit() != 0)
        #expect(daemon.log.contains(message), "\(daemon.log)")
    }
}
