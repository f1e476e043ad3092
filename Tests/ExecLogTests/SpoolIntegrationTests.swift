import ExecLogModel
import Foundation
import Testing

@testable import ExecLog

/// The logger with a disk spool, against the fake writer over real ipc sockets.
@Suite struct SpoolIntegrationTests {
    func configuration(
        _ endpoint: String, spool: String, maxQueueBytes: Int = 16 << 10, maxSpoolBytes: Int = 1 << 30
    ) -> ExecutionLoggerConfiguration {
        .init(
            endpoint: endpoint, maxQueueBytes: maxQueueBytes, reconnectInterval: .milliseconds(20),
            reconnectIntervalMax: .milliseconds(100), spoolDirectory: spool, maxSpoolBytes: maxSpoolBytes)
    }

    func segmentFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".spool") }
    }

    /// Every event counted exactly once.
    func expectBalanced(_ counters: EmitterCounters, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            counters.recorded + counters.replayed
                == counters.queued + counters.inFlight + counters.acked + counters.spooled + counters.dropped,
            "\(counters)", sourceLocation: sourceLocation)
        #expect(counters.acked == counters.stored + counters.duplicates + counters.rejected, sourceLocation: sourceLocation)
    }

    func waitUntil(_ timeout: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    @Test func withoutAWriterNothingIsDroppedAndTheNextLoggerDeliversEverything() async throws {
        let directory = try TemporaryDirectory()
        let spool = directory.path + "/spool"
        var ids = Set<String>()
        do {
            let log = ExecutionLogger(configuration: configuration(directory.endpoint(), spool: spool))
            for index in 0..<500 {
                let execution = sampleExecution(index)
                ids.insert(execution.idString)
                log.record(execution)
            }
            #expect(try await waitUntil(.seconds(10)) { log.counters.spooled > 400 })
            expectBalanced(log.counters)
            await log.shutdown(timeout: .milliseconds(300))
            let counters = log.counters
            #expect(counters.recorded == 500)
            #expect(counters.dropped == 0)
            #expect(counters.spooled == 500)
            #expect(counters.queued + counters.inFlight + counters.acked == 0)
            #expect(counters.bufferedBytes == 0)
            expectBalanced(counters)
            #expect(!segmentFiles(spool).isEmpty)
        }

        let writer = try FakeWriter(endpoint: directory.endpoint())
        defer { writer.stop() }
        let log = ExecutionLogger(configuration: configuration(writer.endpoint, spool: spool))
        #expect(try await waitUntil(.seconds(20)) { writer.storedIDs.count >= 500 && log.counters.acked == 500 })
        #expect(writer.storedIDs == ids)
        let counters = log.counters
        #expect(counters.recorded == 0)
        #expect(counters.replayed == 500)
        #expect(counters.stored == 500)
        #expect(counters.spooled == 0)
        #expect(counters.dropped == 0)
        expectBalanced(counters)
        #expect(segmentFiles(spool).isEmpty)  // every segment acked, so deleted
        await log.shutdown(timeout: .seconds(5))
        #expect(log.counters.spooled == 0)
    }

    @Test func spooledEventsAreSentOnceTheWriterComes() async throws {
        let directory = try TemporaryDirectory()
        let spool = directory.path + "/spool"
        let log = ExecutionLogger(configuration: configuration(directory.endpoint(), spool: spool))
        var ids = Set<String>()
        for index in 0..<300 {
            let execution = sampleExecution(index)
            ids.insert(execution.idString)
            log.record(execution)
        }
        #expect(try await waitUntil(.seconds(10)) { log.counters.spooled > 200 })

        let writer = try FakeWriter(endpoint: directory.endpoint())
        defer { writer.stop() }
        // The flush covers the spooled events: true only once they were sent from disk and acked.
        #expect(await log.flush(timeout: .seconds(20)))
        #expect(writer.storedIDs == ids)
        let counters = log.counters
        #expect(counters.stored == 300)
        #expect(counters.spooled == 0)
        #expect(counters.replayed == 0)  // this process's own events
        #expect(counters.dropped == 0)
        expectBalanced(counters)
        #expect(segmentFiles(spool).isEmpty)
        await log.shutdown(timeout: .seconds(5))
    }

    @Test func aFullSpoolDropsAndCounts() async throws {
        let directory = try TemporaryDirectory()
        let spool = directory.path + "/spool"
        let log = ExecutionLogger(
            configuration: configuration(directory.endpoint(), spool: spool, maxSpoolBytes: 20_000))
        for index in 0..<200 { log.record(sampleExecution(index)) }
        await log.shutdown(timeout: .milliseconds(200))
        let counters = log.counters
        #expect(counters.recorded == 200)
        #expect(counters.droppedSpoolFull > 100)
        #expect(counters.dropped == counters.droppedSpoolFull)
        #expect(counters.spooled > 0)
        #expect(counters.spooled + counters.dropped == 200)
        expectBalanced(counters)
    }

    @Test func aSecondLoggerOnTheSameFolderRunsWithoutASpool() async throws {
        let directory = try TemporaryDirectory()
        let spool = directory.path + "/spool"
        let first = ExecutionLogger(configuration: configuration(directory.endpoint(), spool: spool))
        let second = ExecutionLogger(configuration: configuration(directory.endpoint("other.sock"), spool: spool))
        for index in 0..<100 {
            first.record(sampleExecution(index))
            second.record(sampleExecution(100 + index))
        }
        await second.shutdown(timeout: .milliseconds(100))
        await first.shutdown(timeout: .milliseconds(100))
        #expect(first.counters.spooled == 100)
        #expect(first.counters.dropped == 0)
        #expect(second.counters.spooled == 0)
        #expect(second.counters.dropped == 100)
        expectBalanced(first.counters)
        expectBalanced(second.counters)
    }

    @Test func withoutASpoolDirectoryNothingChanges() throws {
        let configuration = try ExecutionLoggerConfiguration.fromEnvironment([:])
        #expect(configuration.spoolDirectory == nil)
        #expect(configuration.maxSpoolBytes == 1 << 30)
        #expect(configuration.spoolSync == .batch)
        let fromEnvironment = try ExecutionLoggerConfiguration.fromEnvironment([
            "EXECLOG_SPOOL_DIR": "/var/spool/execlog", "EXECLOG_SPOOL_MAX_BYTES": "1048576",
            "EXECLOG_SPOOL_SYNC": "always",
        ])
        #expect(fromEnvironment.spoolDirectory == "/var/spool/execlog")
        #expect(fromEnvironment.maxSpoolBytes == 1 << 20)
        #expect(fromEnvironment.spoolSync == .always)
        let error = #expect(throws: ConfigurationError.self) {
            try ExecutionLoggerConfiguration.fromEnvironment(["EXECLOG_SPOOL_SYNC": "sometimes"])
        }
        #expect(error?.message.contains("EXECLOG_SPOOL_SYNC") == true)
    }
}
