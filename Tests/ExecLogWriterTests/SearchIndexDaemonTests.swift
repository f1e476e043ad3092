import ExecLog
import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real execlogd and the search index: it indexes what a store held before the index existed, in
/// its idle moments, indexes what it stores, and with `--no-search-index` keeps none.
@Suite(.timeLimit(.minutes(2)))
struct SearchIndexDaemonTests {
    static func execution(_ number: Int, _ word: String) -> Execution {
        Execution(
            usageType: "search_test", inputMessages: [["role": "user", "content": .string("Question \(number)?")]],
            responseContent: "Answer \(number): \(word).", inputTokens: 10, outputTokens: 5, provider: "openai",
            modelName: "gpt-5", createdAt: Date().addingTimeInterval(-3_600 + Double(number) / 100))
    }

    static func hits(_ path: String, _ query: String) throws -> Int {
        try ExecutionStore(path: path, mode: .readOnly).count(ExecutionFilter(query: query))
    }

    @Test func theDaemonIndexesAnOlderStoreThenKeepsTheIndexOrDropsItWhenTold() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("store.db")
        // A store whose rows predate the index, as one upgraded from v8.
        do {
            let store = try ExecutionStore(path: path, mode: .create)
            try store.setSearchIndex(enabled: false)
            try store.insert((0..<2_500).map { Self.execution($0, $0 % 10 == 0 ? "walrus" : "seal") })
        }
        var daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let ready = Poll.until(timeout: 60) { () -> Bool? in
            (try? ExecutionStore(path: path, mode: .readOnly).searchIndexState()) == .ready ? true : nil
        }
        #expect(ready == true, "\(daemon.log)")
        #expect(daemon.log.contains("search index created"), "\(daemon.log)")
        #expect(daemon.log.contains("search index: every stored execution is indexed"), "\(daemon.log)")
        #expect(try Self.hits(path, "walrus") == 250)
        #expect(try Self.hits(path, "seal") == 2_250)

        // What it stores from now on is indexed in the same transaction.
        let log = ExecutionLogger(configuration: .init(endpoint: daemon.ipcEndpoint))
        log.record(Self.execution(9_001, "narwhal"))
        #expect(log.flushBlocking(timeout: .seconds(20)))
        #expect(try Self.hits(path, "narwhal") == 1)
        log.shutdownBlocking(timeout: .seconds(5))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)

        // --no-search-index: the index goes; executions are still stored; a search says why it cannot run.
        daemon = try Daemon(folder: folder, extraArguments: ["--no-search-index"])
        try daemon.waitUntilReady()
        #expect(daemon.log.contains("search index dropped"), "\(daemon.log)")
        #expect(try ExecutionStore(path: path, mode: .readOnly).searchIndexState() == .absent)
        let second = ExecutionLogger(configuration: .init(endpoint: daemon.ipcEndpoint))
        second.record(Self.execution(9_002, "dugong"))
        #expect(second.flushBlocking(timeout: .seconds(20)))
        #expect(try ExecutionStore(path: path, mode: .readOnly).count() == 2_502)
        let search = try ChildProcess(product: "execlog", ["search", "dugong", "--db", path])
        #expect(search.waitForExit(timeout: 20) == 1)
        #expect(search.stderr == "execlog: \(StoreError.noSearchIndex)\n")
        second.shutdownBlocking(timeout: .seconds(5))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }
}
