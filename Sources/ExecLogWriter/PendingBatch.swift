import ExecLogModel
import ExecLogPricing
import ExecLogStore
import ExecLogWire
import Foundation

/// A received batch, decoded and validated, waiting for its commit; then the ack to send back.
/// A drop report travels the same way, as a batch without events, so that it too is acked only
/// after the COMMIT that stored it.
struct PendingBatch: Sendable {
    /// The ZeroMQ routing id of the emitter that sent it: where the ack goes.
    var routingID: [UInt8]
    /// The batch id, or the report id, as received: the ack echoes it.
    var batchID: String
    var eventCount: Int
    var store: StoreBatch
    var rejections: [Ack.Rejection]
    let receivedAt: ContinuousClock.Instant

    /// A drop report, not a batch of events.
    var isDropReport: Bool { !store.dropReports.isEmpty }

    /// Decodes each event on its own: a bad event becomes a dead letter and a rejection, never a
    /// failed batch.
    init(
        routingID: [UInt8], batchID: String, events: [[UInt8]], limits: EventSizeLimits = EventSizeLimits(),
        receivedAt: Date = Date(), prices: PriceBook = .bundled
    ) {
        self.routingID = routingID
        self.batchID = batchID
        self.eventCount = events.count
        self.receivedAt = .now
        var executions: [Execution] = []
        executions.reserveCapacity(events.count)
        var deadLetters: [DeadLetter] = []
        var rejections: [Ack.Rejection] = []
        for (index, event) in events.enumerated() {
            do {
                executions.append(try Execution.decodeEvent(event, receivedAt: receivedAt, limits: limits))
            } catch {
                let eventID = Self.readableID(event)
                rejections.append(Ack.Rejection(index: index, id: eventID, error: error.description))
                deadLetters.append(
                    DeadLetter(receivedAt: receivedAt, reason: error.description, eventID: eventID, payload: event))
            }
        }
        self.store = StoreBatch(executions: executions, deadLetters: deadLetters, prices: prices)
        self.rejections = rejections
    }

    /// A drop report to store; its ack says stored or duplicate.
    init(routingID: [UInt8], reportID: String, report: DropReport, receivedAt: Date = Date()) {
        self.routingID = routingID
        self.batchID = reportID
        self.eventCount = 0
        self.receivedAt = .now
        self.store = StoreBatch(executions: [], dropReports: [StoredDropReport(report, receivedAt: receivedAt)])
        self.rejections = []
    }

    /// The `id` field of a rejected event when it is a string, to help the sender find it.
    private static func readableID(_ event: [UInt8]) -> String? {
        // An event too large to store is not worth a full parse: its id is near the start.
        if event.count > DeadLetter.payloadLimit { return topLevelID(event.prefix(DeadLetter.payloadLimit)) }
        // Not JSON (too deep, a lone surrogate elsewhere): the id may still be readable at the top level.
        guard let value = try? JSONValue.parse(event) else { return topLevelID(event[...]) }
        return value["id"]?.stringValue.map { String($0.prefix(64)) }
    }

    /// The string value of the key `"id"` of the outermost object, read in one pass that tracks
    /// strings and nesting (a nested `"id"` does not count); nil when it is not in `bytes`.
    static func topLevelID(_ bytes: ArraySlice<UInt8>) -> String? {
        var depth = 0
        var index = bytes.startIndex
        var lastString: Range<Int>?
        while index < bytes.endIndex {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                let start = index + 1
                index = start
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.endIndex else { return nil }
                lastString = start..<index
            case UInt8(ascii: ":"):
                // A key just ended; at depth 1 and named id, its value is the next string.
                if depth == 1, let key = lastString, bytes[key].elementsEqual("id".utf8) {
                    var valueStart = index + 1
                    while valueStart < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[valueStart]) { valueStart += 1 }
                    guard valueStart < bytes.endIndex, bytes[valueStart] == UInt8(ascii: "\"") else { return nil }
                    let end = bytes[(valueStart + 1)...].firstIndex(of: UInt8(ascii: "\"")) ?? bytes.endIndex
                    return String(decoding: bytes[(valueStart + 1)..<end].prefix(64), as: UTF8.self)
                }
            default: break
            }
            index += 1
        }
        return nil
    }

    func ack(_ result: InsertResult) -> Ack {
        if isDropReport {
            return Ack(stored: result.dropReportsStored, duplicates: result.dropReportDuplicates)
        }
        return Ack(stored: result.stored, duplicates: result.duplicates, rejected: rejections)
    }
}
