import ExecLogModel
import Foundation
import Testing
import ZeroMQ

@testable import ExecLog

@Suite struct SendQueueTests {
    @Test func boundInBytesDropsAndCounts() throws {
        let queue = SendQueue(maxBytes: 1_000, wakeup: try WakeupSignal())
        #expect(queue.append(sampleExecution(0), size: .init(json: 400, memory: 400)) == .queued)
        #expect(queue.append(sampleExecution(1), size: .init(json: 400, memory: 400)) == .queued)
        #expect(queue.append(sampleExecution(2), size: .init(json: 400, memory: 400)) == .full)
        #expect(queue.append(sampleExecution(3), size: .init(json: 200, memory: 200)) == .queued)  // still fits exactly
        let counters = queue.counters
        #expect(counters.recorded == 4)
        #expect(counters.queued == 3)
        #expect(counters.dropped == 1)
        #expect(counters.bufferedBytes == 1_000)

        // Settled bytes make room again.
        var buffer: [SendQueue.Entry] = []
        _ = queue.take(into: &buffer)
        #expect(buffer.map(\.sequence) == [0, 1, 2])
        #expect(queue.counters.queued == 3)  // now the sender's, still counted
        queue.publish(SendQueue.SenderSnapshot(acked: 3, stored: 3), settledBytes: 1_000)
        #expect(queue.append(sampleExecution(4), size: .init(json: 400, memory: 400)) == .queued)
        #expect(queue.counters.bufferedBytes == 400)
    }

    @Test func wakesTheSenderOnlyWhenItWaits() throws {
        let wakeup = try WakeupSignal()
        let queue = SendQueue(maxBytes: 1 << 20, wakeup: wakeup)
        _ = queue.append(sampleExecution(0), size: .init(json: 10, memory: 10))
        #expect(!wakeup.drain())  // the sender is busy: no signal

        var buffer: [SendQueue.Entry] = []
        let intake = queue.take(into: &buffer)
        #expect(queue.prepareToWait(knownFlushThrough: intake.flushThrough, knownStop: intake.stopDeadline))
        _ = queue.append(sampleExecution(1), size: .init(json: 10, memory: 10))
        _ = queue.append(sampleExecution(2), size: .init(json: 10, memory: 10))
        #expect(wakeup.drain())  // one signal for the first append only
        #expect(!wakeup.drain())

        // Work that arrived before the sender got to sleep keeps it awake.
        #expect(!queue.prepareToWait(knownFlushThrough: nil, knownStop: nil))
    }

    @Test func aTickingSenderIsWokenOnlyForAFullBatch() throws {
        let wakeup = try WakeupSignal()
        let queue = SendQueue(maxBytes: 1 << 20, wakeup: wakeup, batchEvents: 3, batchBytes: 100)
        var buffer: [SendQueue.Entry] = []
        _ = queue.take(into: &buffer)
        #expect(queue.prepareToWait(knownFlushThrough: nil, knownStop: nil, ticking: true))
        _ = queue.append(sampleExecution(0), size: .init(json: 10, memory: 10))
        _ = queue.append(sampleExecution(1), size: .init(json: 10, memory: 10))
        #expect(!wakeup.drain())  // it comes back on its own within batchInterval
        _ = queue.append(sampleExecution(2), size: .init(json: 10, memory: 10))
        #expect(wakeup.drain())  // a full batch (count) is due now
        _ = queue.append(sampleExecution(3), size: .init(json: 10, memory: 10))
        #expect(!wakeup.drain())  // already woken: once

        // By bytes, counted from the sender's last take.
        buffer.removeAll(keepingCapacity: true)  // as the sender does once it has encoded them
        _ = queue.take(into: &buffer)
        #expect(queue.prepareToWait(knownFlushThrough: nil, knownStop: nil, ticking: true))
        _ = queue.append(sampleExecution(4), size: .init(json: 60, memory: 60))
        #expect(!wakeup.drain())
        _ = queue.append(sampleExecution(5), size: .init(json: 40, memory: 40))
        #expect(wakeup.drain())

        // Flush and stop wake a ticking sender at once.
        buffer.removeAll(keepingCapacity: true)
        _ = queue.take(into: &buffer)
        #expect(queue.prepareToWait(knownFlushThrough: nil, knownStop: nil, ticking: true))
        #expect(queue.requestFlush() == 5)
        #expect(wakeup.drain())
        buffer.removeAll(keepingCapacity: true)
        _ = queue.take(into: &buffer)
        #expect(queue.prepareToWait(knownFlushThrough: 5, knownStop: nil, ticking: true))
        queue.requestStop(deadline: .now)
        #expect(wakeup.drain())
    }

    @Test func takeTellsWhenTheBurstStarted() throws {
        let queue = SendQueue(maxBytes: 1 << 20, wakeup: try WakeupSignal())
        var buffer: [SendQueue.Entry] = []
        #expect(queue.take(into: &buffer).queuedSince == nil)
        let before = ContinuousClock.now
        _ = queue.append(sampleExecution(0), size: .init(json: 10, memory: 10))
        let afterFirst = ContinuousClock.now
        Thread.sleep(forTimeInterval: 0.005)
        _ = queue.append(sampleExecution(1), size: .init(json: 10, memory: 10))
        let since = try #require(queue.take(into: &buffer).queuedSince)
        #expect(since >= before && since <= afterFirst)  // the first append's time, not the last's
        buffer.removeAll(keepingCapacity: true)
        #expect(queue.take(into: &buffer).queuedSince == nil)
    }

    @Test func flushStateFollowsTheSender() throws {
        let queue = SendQueue(maxBytes: 1 << 20, wakeup: try WakeupSignal())
        #expect(queue.requestFlush() == nil)
        for index in 0..<3 { _ = queue.append(sampleExecution(index), size: .init(json: 10, memory: 10)) }
        let target = try #require(queue.requestFlush())
        #expect(target == 2)
        #expect(queue.flushState(through: target) == .pending)

        var buffer: [SendQueue.Entry] = []
        let intake = queue.take(into: &buffer)
        #expect(intake.flushThrough == 2)
        #expect(queue.flushState(through: target) == .pending)
        queue.publish(SendQueue.SenderSnapshot(inFlight: 1, acked: 2, lowestSequence: 2), settledBytes: 20)
        #expect(queue.flushState(through: 1) == .settled)
        #expect(queue.flushState(through: target) == .pending)
        queue.publish(SendQueue.SenderSnapshot(acked: 3), settledBytes: 10)
        #expect(queue.flushState(through: target) == .settled)
    }

    @Test func stopClosesTheQueueAndFinishDropsTheRest() throws {
        let queue = SendQueue(maxBytes: 1 << 20, wakeup: try WakeupSignal())
        for index in 0..<3 { _ = queue.append(sampleExecution(index), size: .init(json: 10, memory: 10)) }
        queue.requestStop(deadline: .now)
        #expect(queue.append(sampleExecution(3), size: .init(json: 10, memory: 10)) == .closed)
        let (droppedAtStop, _) = queue.finish(.init(), settledBytes: 0, lost: (0, nil))
        #expect(droppedAtStop == 3)
        let counters = queue.counters
        #expect(counters.recorded == 4)
        #expect(counters.dropped == 4)
        #expect(counters.queued == 0)
        #expect(counters.bufferedBytes == 0)
        #expect(queue.flushState(through: 0) == .lost)
        #expect(queue.isFinished)
    }

    @Test func estimatedSizeIsCloseToTheJSON() {
        for payload in [0, 100, 2_000, 50_000] {
            var execution = sampleExecution(7, payload: payload)
            execution.systemPrompt = "You are a helpful assistant. Answer concisely."
            execution.executionMetadata = ["worker": "worker-3", "attempt": 1]
            execution.tags = ["retry", "batch"]
            execution.traceID = "0123456789abcdef0123456789abcdef"
            let actual = execution.jsonData().count
            #expect(execution.estimatedSize.json >= actual / 2, "payload \(payload)")
            #expect(execution.estimatedSize.json <= actual * 2, "payload \(payload)")
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func defaults() throws {
        let configuration = try ExecutionLoggerConfiguration.fromEnvironment([:])
        #expect(configuration == ExecutionLoggerConfiguration())
        #expect(configuration.endpoint == "ipc:///run/execlog/execlog.sock")
        #expect(configuration.maxQueueBytes == 64 << 20)
        #expect(configuration.maxBatchEvents == 500)
        #expect(configuration.maxBatchBytes == 1 << 20)
        #expect(configuration.batchInterval == .milliseconds(20))
        #expect(configuration.ackTimeout == .seconds(30))
        #expect(configuration.maxInFlightBatches == 8)
    }

    @Test func readsTheEnvironment() throws {
        let configuration = try ExecutionLoggerConfiguration.fromEnvironment([
            "EXECLOG_ENDPOINT": "tcp://10.0.0.5:7700",
            "EXECLOG_MAX_QUEUE_BYTES": "1048576",
            "EXECLOG_BATCH_MAX_EVENTS": "100",
            "EXECLOG_BATCH_MAX_BYTES": "65536",
            "EXECLOG_BATCH_INTERVAL_MS": "5",
            "EXECLOG_ACK_TIMEOUT_MS": "2500",
            "EXECLOG_MAX_IN_FLIGHT": "4",
        ])
        #expect(configuration.endpoint == "tcp://10.0.0.5:7700")
        #expect(configuration.maxQueueBytes == 1_048_576)
        #expect(configuration.maxBatchEvents == 100)
        #expect(configuration.maxBatchBytes == 65_536)
        #expect(configuration.batchInterval == .milliseconds(5))
        #expect(configuration.ackTimeout == .milliseconds(2_500))
        #expect(configuration.maxInFlightBatches == 4)
    }

    @Test func rejectsBadValuesNamingTheVariable() {
        let error = #expect(throws: ConfigurationError.self) {
            try ExecutionLoggerConfiguration.fromEnvironment(["EXECLOG_ACK_TIMEOUT_MS": "5s"])
        }
        #expect(error?.message.contains("EXECLOG_ACK_TIMEOUT_MS") == true)
        let endpointError = #expect(throws: ConfigurationError.self) {
            try ExecutionLoggerConfiguration.fromEnvironment(["EXECLOG_ENDPOINT": "/run/execlog.sock"])
        }
        #expect(endpointError?.message.contains("EXECLOG_ENDPOINT") == true)
        let batchError = #expect(throws: ConfigurationError.self) {
            try ExecutionLoggerConfiguration.fromEnvironment(["EXECLOG_BATCH_MAX_EVENTS": "20000"])
        }
        #expect(batchError?.message.contains("EXECLOG_BATCH_MAX_EVENTS") == true)
        #expect(throws: ConfigurationError.self) { try ExecutionLoggerConfiguration(endpoint: "tcp://").validate() }
    }
}
