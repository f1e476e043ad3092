import ExecLogWire
import Testing

@testable import ExecLog

@Suite struct InFlightBatchesTests {
    let t0 = ContinuousClock.now

    func makeBatches(
        maxEvents: Int = 100,
        maxBytes: Int = 1 << 20,
        interval: Duration = .seconds(1),
        ackTimeout: Duration = .seconds(5),
        maxInFlight: Int = 8
    ) -> InFlightBatches {
        InFlightBatches(
            limits: .init(
                maxEvents: maxEvents, maxBytes: maxBytes, interval: interval, ackTimeout: ackTimeout,
                maxInFlight: maxInFlight),
            idPrefix: "test")
    }

    func event(_ sequence: UInt64, bytes: Int = 10, at instant: ContinuousClock.Instant? = nil)
        -> InFlightBatches.Event
    {
        .init(
            sequence: sequence, json: Array(repeating: UInt8(ascii: "x"), count: bytes), accountedBytes: bytes * 2,
            enqueuedAt: instant ?? t0)
    }

    @Test func batchesByCount() throws {
        var batches = makeBatches(maxEvents: 3)
        for sequence in 0..<7 { batches.enqueue(event(UInt64(sequence))) }

        let first = try required(batches.nextToSend(now: t0))
        #expect(first.events.count == 3)
        #expect(!first.isResend)
        batches.didSend(first.id, at: t0)
        let second = try required(batches.nextToSend(now: t0))
        #expect(second.events.count == 3)
        #expect(second.id != first.id)
        batches.didSend(second.id, at: t0)
        // One event left: not a full batch, and its interval has not passed.
        #expect(batches.nextToSend(now: t0 + .milliseconds(999)) == nil)
        #expect(batches.queuedEvents == 1)
        #expect(batches.inFlightEvents == 6)
        let last = try required(batches.nextToSend(now: t0 + .seconds(1)))
        #expect(last.events.count == 1)
    }

    @Test func batchesByBytes() throws {
        var batches = makeBatches(maxBytes: 100)
        for sequence in 0..<5 { batches.enqueue(event(UInt64(sequence), bytes: 40)) }
        // 200 bytes pending: due; 40 + 40 fit in 100, a third would not.
        let first = try required(batches.nextToSend(now: t0))
        #expect(first.events.count == 2)
        batches.didSend(first.id, at: t0)
        let second = try required(batches.nextToSend(now: t0))
        #expect(second.events.count == 2)
        batches.didSend(second.id, at: t0)
        #expect(batches.nextToSend(now: t0) == nil)  // 40 bytes left: under the limit

        // An event larger than the limit still goes, alone.
        batches.enqueue(event(5, bytes: 150))
        let third = try required(batches.nextToSend(now: t0))
        #expect(third.events.map(\.count) == [40])
        batches.didSend(third.id, at: t0)
        let big = try required(batches.nextToSend(now: t0))
        #expect(big.events.map(\.count) == [150])
    }

    @Test func intervalAndFlushSendAPartialBatch() throws {
        var batches = makeBatches(interval: .milliseconds(20))
        batches.enqueue(event(0, at: t0))
        batches.enqueue(event(1, at: t0 + .milliseconds(10)))
        #expect(batches.nextToSend(now: t0 + .milliseconds(19)) == nil)
        #expect(batches.nextDeadline() == t0 + .milliseconds(20))
        #expect(batches.nextDeadline(includingPending: false) == nil)
        #expect(batches.nextToSend(now: t0 + .milliseconds(20))?.events.count == 2)

        var flushed = makeBatches(interval: .seconds(60))
        flushed.enqueue(event(0))
        flushed.enqueue(event(1))
        #expect(flushed.nextToSend(now: t0) == nil)
        #expect(flushed.nextToSend(now: t0, flushThrough: 0)?.events.count == 2)
    }

    @Test func maxInFlightHoldsBackNewBatches() throws {
        var batches = makeBatches(maxEvents: 1, maxInFlight: 2)
        for sequence in 0..<3 { batches.enqueue(event(UInt64(sequence))) }
        let first = try required(batches.nextToSend(now: t0))
        batches.didSend(first.id, at: t0)
        let second = try required(batches.nextToSend(now: t0))
        batches.didSend(second.id, at: t0)
        #expect(batches.nextToSend(now: t0) == nil)
        #expect(batches.nextDeadline() == t0 + .seconds(5))  // only the acks' timeouts
        _ = batches.acknowledge(first.id, Ack(stored: 1, duplicates: 0))
        #expect(batches.nextToSend(now: t0)?.events.count == 1)
    }

    @Test func ackSettlesTheBatch() throws {
        var batches = makeBatches()
        for sequence in 0..<3 { batches.enqueue(event(UInt64(sequence), bytes: 10)) }
        let outgoing = try required(batches.nextToSend(now: t0 + .seconds(1)))
        #expect(batches.queuedEvents == 3)  // formed, not sent yet
        batches.didSend(outgoing.id, at: t0)
        #expect(batches.inFlightEvents == 3)
        #expect(batches.lowestSequence == 0)

        #expect(batches.acknowledge("someone-else", Ack(stored: 3, duplicates: 0)) == nil)
        let rejection = Ack.Rejection(index: 2, id: nil, error: "usage_type: must not be empty")
        let settlement = try required(
            batches.acknowledge(outgoing.id, Ack(stored: 1, duplicates: 1, rejected: [rejection])))
        #expect(settlement.events == 3)
        #expect(settlement.accountedBytes == 60)
        #expect(settlement.stored == 1)
        #expect(settlement.duplicates == 1)
        #expect(settlement.rejected == 1)
        #expect(settlement.rejections == [rejection])
        #expect(!settlement.countMismatch)
        #expect(batches.isEmpty)
        #expect(batches.lowestSequence == nil)
        // A second ack for the same batch (the ack of a resend) changes nothing.
        #expect(batches.acknowledge(outgoing.id, Ack(stored: 0, duplicates: 3)) == nil)
    }

    @Test func ackCountsThatDoNotAddUpAreAdjusted() throws {
        var batches = makeBatches()
        for sequence in 0..<3 { batches.enqueue(event(UInt64(sequence))) }
        let outgoing = try required(batches.nextToSend(now: t0 + .seconds(1)))
        batches.didSend(outgoing.id, at: t0)
        let settlement = try required(batches.acknowledge(outgoing.id, Ack(stored: 1, duplicates: 0)))
        #expect(settlement.countMismatch)
        #expect(settlement.stored + settlement.duplicates + settlement.rejected == 3)
    }

    @Test func overdueBatchIsResentWithTheSameID() throws {
        var batches = makeBatches(ackTimeout: .seconds(5))
        for sequence in 0..<4 { batches.enqueue(event(UInt64(sequence))) }
        let original = try required(batches.nextToSend(now: t0 + .seconds(1)))
        batches.didSend(original.id, at: t0)
        #expect(batches.nextDeadline() == t0 + .seconds(5))
        #expect(batches.expireTimeouts(now: t0 + .milliseconds(4_999)).isEmpty)
        #expect(batches.nextToSend(now: t0 + .milliseconds(4_999)) == nil)

        #expect(batches.expireTimeouts(now: t0 + .seconds(5)) == [original.id])
        #expect(batches.inFlightEvents == 4)  // still in flight while waiting to go again
        let resend = try required(batches.nextToSend(now: t0 + .seconds(5)))
        #expect(resend.id == original.id)
        #expect(resend.events == original.events)
        #expect(resend.isResend)
        batches.didSend(resend.id, at: t0 + .seconds(5))
        #expect(batches.batches.first?.sendCount == 2)
        #expect(batches.nextDeadline() == t0 + .seconds(10))

        // The late ack of the first send settles it; the resend's ack is then ignored.
        #expect(batches.acknowledge(original.id, Ack(stored: 4, duplicates: 0))?.stored == 4)
        #expect(batches.acknowledge(original.id, Ack(stored: 0, duplicates: 4)) == nil)
        #expect(batches.expireTimeouts(now: t0 + .seconds(60)).isEmpty)
    }

    @Test func errorReplyRejectsTheBatchWithoutResending() throws {
        var batches = makeBatches(ackTimeout: .seconds(1))
        for sequence in 0..<5 { batches.enqueue(event(UInt64(sequence))) }
        let outgoing = try required(batches.nextToSend(now: t0 + .seconds(1)))
        batches.didSend(outgoing.id, at: t0)
        let settlement = try required(batches.reject(outgoing.id))
        #expect(settlement.events == 5)
        #expect(settlement.rejected == 5)
        #expect(settlement.stored == 0)
        #expect(settlement.accountedBytes == 100)
        #expect(batches.isEmpty)
        #expect(batches.expireTimeouts(now: t0 + .seconds(60)).isEmpty)
        #expect(batches.nextToSend(now: t0 + .seconds(60)) == nil)
        #expect(batches.reject(outgoing.id) == nil)
    }

    @Test func batchIDsAreValidAndUnique() throws {
        var batches = InFlightBatches(
            limits: .init(maxEvents: 1, maxBytes: 1 << 20, interval: .zero, ackTimeout: .seconds(5), maxInFlight: 1000),
            idPrefix: "0123456789abcdef")
        var ids = Set<String>()
        for sequence in 0..<500 {
            batches.enqueue(event(UInt64(sequence)))
            let outgoing = try required(batches.nextToSend(now: t0))
            #expect(WireProtocol.isValidBatchID(Array(outgoing.id.utf8)))
            ids.insert(outgoing.id)
            batches.didSend(outgoing.id, at: t0)
        }
        #expect(ids.count == 500)
    }

    @Test func removeAllReportsWhatWasLeft() throws {
        var batches = makeBatches(maxEvents: 2)
        for sequence in 5..<10 { batches.enqueue(event(UInt64(sequence), bytes: 10)) }
        let outgoing = try required(batches.nextToSend(now: t0))
        batches.didSend(outgoing.id, at: t0)
        let left = batches.removeAll()
        #expect(left.events == 5)
        #expect(left.accountedBytes == 100)
        #expect(left.lowestSequence == 5)
        #expect(batches.isEmpty)
    }

    @Test func manyPendingEventsStayInOrder() throws {
        var batches = makeBatches(maxEvents: 7)
        for sequence in 0..<10_000 { batches.enqueue(event(UInt64(sequence), bytes: 1)) }
        var next: UInt64 = 0
        while let outgoing = batches.nextToSend(now: t0 + .seconds(1)) {
            batches.didSend(outgoing.id, at: t0)
            #expect(batches.lowestSequence == next)
            next += UInt64(outgoing.events.count)
            _ = batches.acknowledge(outgoing.id, Ack(stored: outgoing.events.count, duplicates: 0))
        }
        #expect(next == 10_000)
        #expect(batches.isEmpty)
    }
}

/// `#require` for values from mutating calls, which the macro cannot expand around.
func required<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, sourceLocation: sourceLocation)
}
