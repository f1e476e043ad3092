import ExecLogModel
import Testing

@testable import ExecLog

import CMalloc

/// The emitter's memory bound counts `estimatedSize.memory` for a queued execution: checked here
/// against glibc's own count of the heap in use, for executions small and large.
@Suite struct HeapSizeTests {
    static func heapInUse() -> Int {
        let info = mallinfo2()
        return Int(info.uordblks) + Int(info.hblkhd)
    }

    /// Each with strings of its own (no literal shared between them), messages, metadata and tags.
    static func execution(_ index: Int, payload: Int) -> Execution {
        var execution = sampleExecution(index, payload: payload)
        execution.systemPrompt = "You are assistant number \(index), answer concisely and well."
        execution.responseContent = "response \(index) " + String(repeating: "y", count: payload / 2)
        execution.executionMetadata = ["worker": .string("worker-\(index)-of-the-fleet"), "attempt": 1, "ok": true]
        execution.tags = ["retry-number-\(index)", "batch"]
        execution.traceID = "trace-\(index)-0123456789abcdef"
        execution.inputMessages = [
            ["role": "system", "content": .string("system \(index) " + String(repeating: "s", count: 40))],
            ["role": "user", "content": .string("\(index) " + String(repeating: "x", count: payload))],
        ]
        return execution
    }

    @Test(arguments: [0, 100, 1_500, 20_000])
    func theEstimateIsWithinATenthOfWhatMallocCounts(payload: Int) {
        let count = 2_000
        var queue: [SendQueue.Entry] = []
        queue.reserveCapacity(count)
        var estimated = 0
        let before = Self.heapInUse()
        for index in 0..<count {
            let execution = Self.execution(index, payload: payload)
            // The queue's slot is already allocated (reserved above): not part of what is measured.
            estimated += execution.estimatedSize.memory - HeapSize.queueEntry
            queue.append(SendQueue.Entry(sequence: UInt64(index), execution: execution, bytes: 0))
        }
        let measured = Self.heapInUse() - before
        withExtendedLifetime(queue) {}
        let ratio = Double(estimated) / Double(measured)
        #expect(ratio > 0.9 && ratio < 1.1, "estimated \(estimated), malloc counts \(measured) (payload \(payload))")
    }

    @Test func anEncodedEventIsChargedItsArray() {
        let count = 2_000
        var held: [[UInt8]] = []
        held.reserveCapacity(count)
        let before = Self.heapInUse()
        for index in 0..<count { held.append(Self.execution(index, payload: 1_500).wireJSON().exactCopy()) }
        let measured = Self.heapInUse() - before
        let estimated = held.reduce(0) { $0 + HeapSize.encodedEvent(jsonBytes: $1.count) - MemoryLayout<InFlightBatches.Event>.stride }
        let ratio = Double(estimated) / Double(measured)
        #expect(ratio > 0.95 && ratio < 1.05, "estimated \(estimated), malloc counts \(measured)")
    }
}
