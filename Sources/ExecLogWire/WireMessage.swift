import ExecLogModel
import Foundation

/// A protocol message, without the ZeroMQ routing envelope.
public enum WireMessage: Sendable, Equatable {
    /// Emitter → writer: events to store, one JSON object per frame.
    case batch(id: String, events: [[UInt8]])
    /// Emitter → writer: executions the emitter dropped. `id` is frame 2 as sent (a UUID; the report's
    /// id); the writer answers with an `ack` carrying it, after the commit that stored the report.
    case report(id: String, DropReport)
    /// Writer → emitter: what became of every event of a batch, sent only after its commit.
    case ack(batchID: String, Ack)
    /// Either way: a request for the writer's counters (empty body), or the reply (JSON counters).
    case status(body: [UInt8])
    /// Writer → emitter: a message the writer could not read; `batchID` is frame 2 when there was one.
    case error(batchID: String?, message: String)

    /// The frames of this message.
    public var frames: [[UInt8]] {
        switch self {
        case .batch(let id, let events):
            [WireProtocol.tagBytes, Array("batch".utf8), Array(id.utf8)] + events
        case .report(let id, let report):
            [WireProtocol.tagBytes, Array("report".utf8), Array(id.utf8), report.json]
        case .ack(let batchID, let ack):
            [WireProtocol.tagBytes, Array("ack".utf8), Array(batchID.utf8), ack.json]
        case .status(let body):
            body.isEmpty
                ? [WireProtocol.tagBytes, Array("status".utf8)]
                : [WireProtocol.tagBytes, Array("status".utf8), body]
        case .error(let batchID, let message):
            [
                WireProtocol.tagBytes, Array("error".utf8), Array((batchID ?? "").utf8),
                Array(JSONValue.object(["error": .string(message)]).serialized().utf8),
            ]
        }
    }

    /// Reads a message; the error says, in one line, why the frames are not protocol v1. Events are not
    /// looked at here: each is validated on its own by the writer.
    /// `maxBatchEvents` is the writer's own limit, at most the protocol's 10,000.
    public init(frames: [[UInt8]], maxBatchEvents: Int = WireProtocol.eventsPerBatch.upperBound) throws(WireError) {
        guard frames.count >= 2, frames[0] == WireProtocol.tagBytes else {
            throw WireError(batchID: nil, "frame 0 must be \"\(WireProtocol.tag)\"")
        }
        let verb = String(decoding: frames[1], as: UTF8.self)
        let batchID = frames.count > 2 && WireProtocol.isValidBatchID(frames[2])
            ? String(decoding: frames[2], as: UTF8.self) : nil
        switch WireProtocol.Verb(rawValue: verb) {
        case .batch:
            guard frames.count > 2, let batchID else {
                throw WireError(batchID: nil, "frame 2 must be a batch id of 1 to 64 printable ASCII bytes")
            }
            let count = frames.count - 3
            let limit = min(max(1, maxBatchEvents), WireProtocol.eventsPerBatch.upperBound)
            guard count >= 1, count <= limit else {
                throw WireError(
                    batchID: batchID,
                    count == 0 ? "a batch needs at least one event" : "\(count) events in one batch, more than \(limit)")
            }
            self = .batch(id: batchID, events: Array(frames[3...]))
        case .report:
            guard let batchID, let uuid = UUID(canonical: batchID) else {
                throw WireError(batchID: batchID, "frame 2 must be a report id (a UUID)")
            }
            guard frames.count == 4 else {
                throw WireError(batchID: batchID, "a report needs exactly one JSON frame after its id")
            }
            do {
                self = .report(id: batchID, try DropReport(id: uuid, json: frames[3]))
            } catch {
                throw WireError(batchID: batchID, "invalid report: \(error)")
            }
        case .ack:
            guard frames.count == 4, let batchID, let ack = Ack(json: frames[3]) else {
                throw WireError(batchID: batchID, "malformed ack")
            }
            self = .ack(batchID: batchID, ack)
        case .status:
            self = .status(body: frames.count > 2 ? frames[2] : [])
        case .error:
            let message = frames.count > 3 ? ((try? JSONValue.parse(frames[3]))?["error"]?.stringValue ?? "") : ""
            self = .error(batchID: batchID, message: message)
        case nil:
            throw WireError(batchID: batchID, "unknown verb \(verb.prefix(32).debugDescription)")
        }
    }
}

/// Why a message is not protocol v1.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public var batchID: String?
    public var message: String

    public init(batchID: String?, _ message: String) {
        self.batchID = batchID
        self.message = message
    }

    public var description: String { message }
}
