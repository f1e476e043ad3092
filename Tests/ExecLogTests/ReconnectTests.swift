import ExecLogWire
import Testing
import ZeroMQ

@testable import ExecLog

/// Resending at once after a reconnection: the bookkeeping and the event logic, without sockets.
@Suite struct ReconnectTests {
    let t0 = ContinuousClock.now

    func makeBatches(maxEvents: Int = 2, ackTimeout: Duration = .seconds(30)) -> InFlightBatches {
        InFlightBatches(
            limits: .init(
                maxEvents: maxEvents, maxBytes: 1 << 20, interval: .seconds(1), ackTimeout: ackTimeout, maxInFlight: 8),
            idPrefix: "rc")
    }

    func event(_ sequence: UInt64) -> InFlightBatches.Event {
        .init(sequence: sequence, json: Array("{}".utf8), accountedBytes: 4, enqueuedAt: t0)
    }

    @Test func resendAllNowMakesEverySentBatchReadyWithoutWaitingForTheAckTimeout() throws {
        var batches = makeBatches()
        for sequence in 0..<6 { batches.enqueue(event(UInt64(sequence))) }
        var sent: [String] = []
        for _ in 0..<2 {
            let next = batches.nextToSend(now: t0)
            let outgoing = try #require(next)
            batches.didSend(outgoing.id, at: t0)
            sent.append(outgoing.id)
        }
        // A third batch is formed but never sent (the socket refused it): it is already ready.
        let formed = batches.nextToSend(now: t0)
        let unsent = try #require(formed)
        #expect(!unsent.isResend)

        let later = t0 + .milliseconds(10)
        let expired = batches.expireTimeouts(now: later)
        #expect(expired.isEmpty, "30 s ack timeout: nothing overdue yet")
        let resent = batches.resendAllNow()
        #expect(resent == sent, "only batches that were sent are affected")

        // Resent in order, same ids, counted as resends; the never-sent one after them, as a first send.
        var order: [(String, Bool)] = []
        while let outgoing = batches.nextToSend(now: later) {
            batches.didSend(outgoing.id, at: later)
            order.append((outgoing.id, outgoing.isResend))
        }
        #expect(order.map(\.0) == sent + [unsent.id])
        #expect(order.map(\.1) == [true, true, false])
        #expect(batches.inFlightEvents == 6)
        let again = batches.resendAllNow()
        #expect(again.count == 3)
    }

    @Test func resendAllNowWithNothingInFlightChangesNothing() {
        var batches = makeBatches()
        let none = batches.resendAllNow()
        #expect(none.isEmpty)
        batches.enqueue(event(0))
        let stillNone = batches.resendAllNow()
        #expect(stillNone.isEmpty)
        #expect(batches.queuedEvents == 1 && batches.inFlightEvents == 0)
    }

    @Test func anAckAfterTheResendSettlesOnceAndALateDuplicateAckIsIgnored() throws {
        var batches = makeBatches()
        batches.enqueue(event(0))
        batches.enqueue(event(1))
        let first = batches.nextToSend(now: t0)
        let outgoing = try #require(first)
        batches.didSend(outgoing.id, at: t0)
        batches.resendAllNow()
        let second = batches.nextToSend(now: t0)
        let resent = try #require(second)
        #expect(resent.id == outgoing.id && resent.isResend)
        batches.didSend(resent.id, at: t0)
        // The restarted writer had committed them before dying: it answers with duplicates.
        let settled = batches.acknowledge(outgoing.id, Ack(stored: 0, duplicates: 2))
        let settlement = try #require(settled)
        #expect(settlement.events == 2 && settlement.duplicates == 2)
        let late = batches.acknowledge(outgoing.id, Ack(stored: 0, duplicates: 2))
        #expect(late == nil)
        #expect(batches.isEmpty)
    }

    @Test func onlyAConnectedAfterADisconnectedIsAReconnection() {
        var detector = ReconnectDetector()
        let events: [SocketEvents] = [
            .connected,  // the first connection is not a reconnection
            .connected,
            .disconnected, .disconnected, .connectRetried,
            .connected,  // back: a reconnection
            .connected,  // once per loss
            .handshakeSucceeded,
            .disconnected,
            .connected,
        ]
        var reconnections: [Bool] = []
        for event in events { reconnections.append(detector.observe(event)) }
        #expect(reconnections == [false, false, false, false, false, true, false, false, false, true])
    }
}
