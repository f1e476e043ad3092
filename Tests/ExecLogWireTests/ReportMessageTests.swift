import ExecLogModel
import ExecLogWire
import Foundation
import Testing

/// The `report` message: an emitter's drop report, and how the wire reads a good or a bad one.
@Suite struct ReportMessageTests {
    let tag = Array("execlog/1".utf8)
    let id = "0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f"
    /// Whole milliseconds: the wire carries times to the millisecond.
    let until = Date(timeIntervalSince1970: 1_795_000_000.125)

    func frames(_ id: String, _ json: String) -> [[UInt8]] {
        [tag, Array("report".utf8), Array(id.utf8), Array(json.utf8)]
    }

    @Test func aReportRoundTripsThroughItsFrames() throws {
        let report = DropReport(
            id: UUID(uuidString: id)!, emitter: "worker-1.example/4242", dropped: 10, queueFull: 4, spoolFull: 3,
            spoolUnreadable: 2, shutdown: 1, since: until.addingTimeInterval(-1.5), until: until)
        let message = WireMessage.report(id: id, report)
        #expect(try WireMessage(frames: message.frames) == message)
        // Also without the optional period start.
        var noSince = report
        noSince.since = nil
        #expect(try WireMessage(frames: WireMessage.report(id: id, noSince).frames) == .report(id: id, noSince))
    }

    @Test func framesAreExactlyAsDocumented() {
        let report = DropReport(
            id: UUID(uuidString: id)!, emitter: "h/1", dropped: 3, queueFull: 3,
            since: Date(timeIntervalSince1970: 1_795_000_000), until: until)
        #expect(WireMessage.report(id: id, report).frames.map { String(decoding: $0, as: UTF8.self) } == [
            "execlog/1", "report", id,
            #"{"dropped":3,"emitter":"h/1","queue_full":3,"shutdown":0,"since":"2026-11-18T11:06:40.000Z","spool_full":0,"spool_unreadable":0,"until":"2026-11-18T11:06:40.125Z"}"#,
        ])
    }

    @Test func theSmallestReportAndUnknownKeys() throws {
        let received = Date(timeIntervalSince1970: 1_795_000_000)
        let report = try DropReport(
            id: UUID(uuidString: id)!, json: Array(#"{"emitter":"e","dropped":2,"colour":"red","queue_full":1.0}"#.utf8),
            receivedAt: received)
        #expect(report.dropped == 2 && report.queueFull == 1 && report.spoolFull == 0 && report.shutdown == 0)
        #expect(report.since == nil)
        #expect(report.until == received)  // no `until`: the time the writer received it
        // The id travels in frame 2 and may be in upper case; the store keeps it in lower case.
        guard case .report(let frameID, let decoded) = try WireMessage(frames: frames(id.uppercased(), #"{"emitter":"e","dropped":0}"#))
        else {
            Issue.record("not a report")
            return
        }
        #expect(frameID == id.uppercased())
        #expect(decoded.idString == id)
    }

    @Test(arguments: [
        (#"{"dropped":1}"#, "invalid report: emitter: required field is missing"),
        (#"{"emitter":"","dropped":1}"#, "invalid report: emitter: must not be empty"),
        (#"{"emitter":7,"dropped":1}"#, "invalid report: emitter: expected a string"),
        (#"{"emitter":"e"}"#, "invalid report: dropped: required field is missing"),
        (#"{"emitter":"e","dropped":-1}"#, "invalid report: dropped: must not be negative"),
        (#"{"emitter":"e","dropped":1.5}"#, "invalid report: dropped: expected an integer"),
        (#"{"emitter":"e","dropped":"1"}"#, "invalid report: dropped: expected an integer"),
        (#"{"emitter":"e","dropped":1,"queue_full":2}"#, "invalid report: dropped: less than queue_full + spool_full + spool_unreadable + shutdown"),
        (#"{"emitter":"e","dropped":1,"until":"2026-11-27T10:00:00"}"#, "invalid report: until: not an RFC 3339 time with a zone: \"2026-11-27T10:00:00\""),
        (#"{"emitter":"e","dropped":1,"since":"2026-11-27T10:00:01Z","until":"2026-11-27T10:00:00Z"}"#, "invalid report: since: later than until"),
        (#"[1]"#, "invalid report: a report must be a JSON object"),
        (#"{"#, "invalid report: invalid JSON"),
    ])
    func aBadReportIsAnErrorNamingTheField(json: String, expected: String) {
        #expect(throws: WireError(batchID: id, expected)) { try WireMessage(frames: frames(id, json)) }
    }

    @Test func theReportIDAndFrameCountAreChecked() {
        let body = Array(#"{"emitter":"e","dropped":1}"#.utf8)
        #expect(throws: WireError(batchID: "w17-1", "frame 2 must be a report id (a UUID)")) {
            try WireMessage(frames: [tag, Array("report".utf8), Array("w17-1".utf8), body])
        }
        #expect(throws: WireError(batchID: nil, "frame 2 must be a report id (a UUID)")) {
            try WireMessage(frames: [tag, Array("report".utf8)])
        }
        #expect(throws: WireError(batchID: id, "a report needs exactly one JSON frame after its id")) {
            try WireMessage(frames: [tag, Array("report".utf8), Array(id.utf8)])
        }
        #expect(throws: WireError(batchID: id, "a report needs exactly one JSON frame after its id")) {
            try WireMessage(frames: [tag, Array("report".utf8), Array(id.utf8), body, body])
        }
    }

    @Test func statusKeysForDropsDecodeAndDefault() throws {
        var status = WriterStatus()
        status.emitterDropped = 12
        status.reports = 3
        let json = String(decoding: status.json, as: UTF8.self)
        #expect(json.contains(#""emitter_dropped":12"#) && json.contains(#""reports":3"#))
        #expect(WriterStatus(json: status.json) == status)
        // An older writer's status has neither key.
        let old = try #require(WriterStatus(json: Array(#"{"stored":5}"#.utf8)))
        #expect(old.emitterDropped == 0 && old.reports == 0 && old.stored == 5)
    }
}
