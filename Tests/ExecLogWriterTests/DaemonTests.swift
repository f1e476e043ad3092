import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import ExecLogWire
import ExecLogWriter
import ExecLogTestSupport
import Foundation
import Testing
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

/// The real `execlogd` process, driven over real ZeroMQ sockets.
@Suite(.timeLimit(.minutes(2)))
struct DaemonTests {
    static func executions(_ count: Int, seed: UInt64 = 1) -> [Execution] {
        var generator = ExecutionGenerator(seed: seed)
        return (0..<count).map { _ in generator.next() }
    }

    @Test func storesEveryEventOfEveryBatchAndAcksAfterCommit() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let executions = Self.executions(2_500)
        var stored = 0
        for (number, start) in stride(from: 0, to: executions.count, by: 500).enumerated() {
            let ack = try #require(try client.sendBatch("batch-\(number)", executions[start..<start + 500].map(\.eventBytes)))
            #expect(ack.eventCount == 500)
            stored += ack.stored
        }
        #expect(stored == 2_500)
        // An ack means committed: the rows are there before the daemon stops.
        let store = try ExecutionStore(path: daemon.storePath, mode: .readOnly)
        #expect(try store.count() == 2_500)
        let sample = executions[1_234]
        var expected = sample
        expected.createdAt = Date(timeIntervalSince1970: (sample.createdAt.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        #expect(try store.execution(sample.idString) == expected)

        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }

    @Test func theSameBatchSentTwiceGivesOneRowPerEvent() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let events = Self.executions(300).map(\.eventBytes)
        #expect(try client.sendBatch("b1", events) == Ack(stored: 300, duplicates: 0))
        #expect(try client.sendBatch("b1", events) == Ack(stored: 0, duplicates: 300))
        #expect(try ExecutionStore(path: daemon.storePath, mode: .readOnly).count() == 300)
        let status = try #require(try client.status())
        #expect(status.received == 600 && status.stored == 300 && status.duplicates == 300 && status.batches == 2)
    }

    @Test func malformedMessagesAreAnsweredWithAnErrorAndStoreNothing() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let good = Self.executions(1)[0].eventBytes
        let tag = Array("execlog/1".utf8)
        let cases: [(frames: [[UInt8]], batchID: String?, error: String)] = [
            ([Array("execlog/2".utf8), Array("batch".utf8), Array("x".utf8), good], nil, "frame 0"),
            ([tag], nil, "frame 0"),
            ([tag, Array("store".utf8), Array("x".utf8), good], "x", "unknown verb"),
            ([tag, Array("batch".utf8)], nil, "frame 2 must be a batch id"),
            ([tag, Array("batch".utf8), [], good], nil, "frame 2 must be a batch id"),
            ([tag, Array("batch".utf8), Array(String(repeating: "b", count: 65).utf8), good], nil, "frame 2"),
            ([tag, Array("batch".utf8), Array("has space".utf8), good], nil, "frame 2"),
            ([tag, Array("batch".utf8), Array("empty".utf8)], "empty", "at least one event"),
            ([tag, Array("batch".utf8), Array("huge".utf8)] + Array(repeating: good, count: 10_001), "huge", "more than 10000"),
            ([tag, Array("ack".utf8), Array("x".utf8), Array("{}".utf8)], "x", "malformed ack"),
        ]
        for (frames, batchID, expected) in cases {
            try client.send(frames)
            let reply = try #require(try client.receive(), "no reply to \(frames.prefix(3).map { String(decoding: $0, as: UTF8.self) })")
            guard case .error(let id, let message) = reply else {
                Issue.record("expected an error reply, got \(reply)")
                continue
            }
            #expect(id == batchID)
            #expect(message.contains(expected), "\(message)")
        }
        let status = try #require(try client.status())
        #expect(status.malformed == cases.count)
        #expect(status.stored == 0 && status.received == 0)
        #expect(try ExecutionStore(path: daemon.storePath, mode: .readOnly).count() == 0)
    }

    @Test func badEventsAreRejectedWithReasonsBesideTheGoodOnes() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let good = Self.executions(3)
        func event(_ json: String) -> [UInt8] { Array(json.utf8) }
        let id = UUID.v7().uuidString.lowercased()
        let base = #""usage_type":"general","provider":"openai","model_name":"gpt-5","input_messages":[]"#
        let events: [[UInt8]] = [
            good[0].eventBytes,
            event("{not json"),
            event(#"{"id":"\#(id)","provider":"openai","model_name":"gpt-5","input_messages":[]}"#),
            event(#"{"id":"\#(id)",\#(base),"input_tokens":"many"}"#),
            good[1].eventBytes,
            event(#"{"id":"\#(id)","usage_type":"\#(String(repeating: "u", count: 51))","provider":"openai","model_name":"gpt-5","input_messages":[]}"#),
            event(#"{"id":"12345",\#(base)}"#),
            event(#"{"id":"\#(id)",\#(base),"created_at":"yesterday"}"#),
            event("[]"),
            good[2].eventBytes,
        ]
        let ack = try #require(try client.sendBatch("mixed", events))
        #expect(ack.stored == 3 && ack.duplicates == 0)
        #expect(ack.rejected.map(\.index) == [1, 2, 3, 5, 6, 7, 8])
        let reasons = ack.rejected.map(\.error)
        #expect(reasons == [
            "invalid JSON: expected a key in quotes, found 'n' at byte 1", "usage_type: required field is missing",
            "input_tokens: expected an integer",
            "usage_type: 51 characters, more than 50", "id: not a UUID: \"12345\" (expected exactly 36 characters, 8-4-4-4-12 hex digits)",
            "created_at: not an RFC 3339 time with a zone: \"yesterday\"", "an event must be a JSON object",
        ])
        #expect(ack.rejected[1].id == id && ack.rejected[0].id == nil)
        let store = try ExecutionStore(path: daemon.storePath, mode: .readOnly)
        #expect(try store.count() == 3)
        let letters = try store.deadLetters()
        #expect(letters.count == 7)
        #expect(Set(letters.map(\.reason)) == Set(reasons))
        #expect(daemon.process.isRunning)
        // Still serving after all that.
        #expect(try client.sendBatch("after", Self.executions(2, seed: 9).map(\.eventBytes))?.stored == 2)
    }

    @Test func sigtermInTheMiddleOfAStreamLosesNothingThatWasAcked() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let executions = Self.executions(20_000, seed: 3)
        var sentBatches: [String: [String]] = [:]
        // Send everything without waiting, then stop the daemon while it is still committing.
        for (number, start) in stride(from: 0, to: executions.count, by: 200).enumerated() {
            let slice = executions[start..<start + 200]
            sentBatches["s\(number)"] = slice.map(\.idString)
            try client.send(WireMessage.batch(id: "s\(number)", events: slice.map(\.eventBytes)).frames)
        }
        // Stop it once the first commits are acked, while the rest is still on its way.
        var acked: Set<String> = []
        if case .ack(let id, _)? = try client.receive(timeout: 30) { acked.formUnion(try #require(sentBatches[id])) }
        daemon.signal(SIGTERM)
        while let reply = try client.receive(timeout: 3) {
            if case .ack(let id, let ack) = reply {
                #expect(ack.eventCount == 200)
                acked.formUnion(try #require(sentBatches[id]))
            }
        }
        #expect(daemon.waitForExit() == 0, "\(daemon.log)")
        let store = try ExecutionStore(path: daemon.storePath, mode: .readOnly)
        let rows = try store.count()
        print("SIGTERM mid-stream: sent 20000, acked \(acked.count), stored \(rows)")
        #expect(!acked.isEmpty)
        #expect(rows >= acked.count)
        for id in acked.shuffled().prefix(500) {
            #expect(throws: Never.self) { try store.execution(id) }
        }
        #expect(daemon.log.contains("execlogd stopped"))
    }

    @Test func aSecondDaemonOnTheSameStoreRefusesToStart() throws {
        let folder = try TemporaryFolder()
        let first = try Daemon(folder: folder)
        try first.waitUntilReady()
        let second = try ChildProcess(
            product: "execlogd", ["--listen", "ipc://" + folder.path("other.sock"), "--db", first.storePath])
        #expect(second.waitForExit(timeout: 20) == 1)
        let output = second.stderr
        #expect(output.contains("another execlogd (pid \(first.process.pid)) is already writing to"), "\(output)")
        #expect(first.process.isRunning)
    }

    /// The writer library's errors say their kind: what a caller embedding the writer branches on.
    @Test func writerErrorsHaveKinds() throws {
        let folder = try TemporaryFolder()
        let store = folder.path("kinds.db")
        let first = try InProcessWriter(WriterConfiguration(endpoints: ["ipc://" + folder.path("a.sock")], storePath: store))
        defer { first.stop() }
        let second = try Writer(configuration: WriterConfiguration(endpoints: ["ipc://" + folder.path("b.sock")], storePath: store))
        #expect {
            try second.run()
        } throws: { error in
            (error as? WriterError)?.kind == .inUse
        }
        #expect {
            try Writer(configuration: WriterConfiguration(endpoints: ["tcp://127.0.0.1:*"], storePath: store))
        } throws: { error in
            (error as? WriterError)?.kind == .configuration && "\(error)".contains("needs CURVE")
        }
    }

    @Test func aSecondDaemonCannotTakeOverALiveSocket() throws {
        let folder = try TemporaryFolder()
        let first = try Daemon(folder: folder)
        try first.waitUntilReady()
        let second = try Daemon(folder: folder, store: "other.db")
        #expect(second.waitForExit() == 1)
        #expect(second.log.contains("another process is listening on \(first.ipcEndpoint)"), "\(second.log)")
        #expect(try RawClient(endpoint: first.ipcEndpoint).status()?.store == first.storePath)
    }

    @Test func servesTCPAndIPCAtOnce() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder, extraArguments: ["--listen", "tcp://127.0.0.1:*", "--insecure"])
        let status = try daemon.waitUntilReady()
        let tcp = try #require(status.endpoints.first { $0.hasPrefix("tcp://127.0.0.1:") })
        let client = try RawClient(endpoint: tcp)
        #expect(try client.sendBatch("t", Self.executions(50).map(\.eventBytes))?.stored == 50)
        #expect(try ExecutionStore(path: daemon.storePath, mode: .readOnly).count() == 50)
    }

    @Test func execlogStatusPrintsTheCounters() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        _ = try client.sendBatch("s", Self.executions(7).map(\.eventBytes) + [Array("bad".utf8)])
        let process = try ChildProcess(product: "execlog", ["status", "--endpoint", daemon.ipcEndpoint, "--json"])
        #expect(process.waitForExit(timeout: 30) == 0, "\(process.stderr)")
        let status = try #require(WriterStatus(json: Array(process.stdout.utf8)))
        #expect(status.received == 8 && status.stored == 7 && status.rejected == 1 && status.batches == 1)
        #expect(status.store == daemon.storePath)
    }

    @Test func aClientWrittenFromTheProtocolDocumentAlone() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("protocol/client.py")
        let probe = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import zmq"])
        guard probe.waitForExit(timeout: 30) == 0, FileManager.default.fileExists(atPath: script.path) else {
            Issue.record("python3 with pyzmq, or Tests/protocol/client.py, is missing")
            return
        }
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let python = try ChildProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, daemon.ipcEndpoint, "250"])
        #expect(python.waitForExit(timeout: 60) == 0, "\(python.stdout) \(python.stderr)")
        #expect(try ExecutionStore(path: daemon.storePath, mode: .readOnly).count() == 251)
    }
}
