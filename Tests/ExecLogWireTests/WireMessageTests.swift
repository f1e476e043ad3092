import ExecLogWire
import Testing

@Suite struct WireMessageTests {
    let tag = Array("execlog/1".utf8)

    @Test func everyMessageRoundTripsThroughItsFrames() throws {
        let messages: [WireMessage] = [
            .batch(id: "b-1", events: [Array("{}".utf8), []]),
            .ack(batchID: "b-1", Ack(stored: 1, duplicates: 2, rejected: [.init(index: 3, id: nil, error: "bad")])),
            .status(body: []),
            .status(body: Array(#"{"stored":1}"#.utf8)),
            .error(batchID: "b-1", message: "frame 0 must be \"execlog/1\""),
        ]
        for message in messages {
            #expect(try WireMessage(frames: message.frames) == message)
        }
    }

    @Test func framesAreExactlyAsDocumented() {
        let ack = WireMessage.ack(batchID: "7", Ack(stored: 2, duplicates: 0, rejected: [.init(index: 1, id: nil, error: "x")]))
        #expect(ack.frames.map { String(decoding: $0, as: UTF8.self) } == [
            "execlog/1", "ack", "7", #"{"duplicates":0,"rejected":[{"error":"x","id":null,"index":1}],"stored":2}"#,
        ])
        #expect(WireMessage.error(batchID: nil, message: "m").frames.map { String(decoding: $0, as: UTF8.self) } == [
            "execlog/1", "error", "", #"{"error":"m"}"#,
        ])
    }

    @Test func batchLimits() throws {
        let event = Array("{}".utf8)
        #expect(throws: Never.self) { try WireMessage(frames: [tag, Array("batch".utf8), Array("x".utf8)] + Array(repeating: event, count: 10_000)) }
        #expect(throws: WireError(batchID: "x", "10001 events in one batch, more than 10000")) {
            try WireMessage(frames: [tag, Array("batch".utf8), Array("x".utf8)] + Array(repeating: event, count: 10_001))
        }
        // A writer's own lower limit, and never above the protocol's.
        let five = [tag, Array("batch".utf8), Array("x".utf8)] + Array(repeating: event, count: 5)
        #expect(throws: Never.self) { try WireMessage(frames: five, maxBatchEvents: 5) }
        #expect(throws: WireError(batchID: "x", "5 events in one batch, more than 4")) {
            try WireMessage(frames: five, maxBatchEvents: 4)
        }
        #expect(throws: WireError(batchID: "x", "10001 events in one batch, more than 10000")) {
            try WireMessage(frames: [tag, Array("batch".utf8), Array("x".utf8)] + Array(repeating: event, count: 10_001), maxBatchEvents: 20_000)
        }
        #expect(WireProtocol.isValidBatchID(Array(String(repeating: "a", count: 64).utf8)))
        #expect(!WireProtocol.isValidBatchID(Array(String(repeating: "a", count: 65).utf8)))
        #expect(!WireProtocol.isValidBatchID([0x41, 0x0A]))
        #expect(!WireProtocol.isValidBatchID([]))
    }
}
