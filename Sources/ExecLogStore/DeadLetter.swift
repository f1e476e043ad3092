import Foundation

/// An event the writer could not store, kept with the reason so that nothing disappears silently.
public struct DeadLetter: Sendable, Equatable {
    /// Payloads are kept up to this many bytes: enough to debug the sender, bounded against floods.
    public static let payloadLimit = 64 * 1024

    public var receivedAt: Date
    public var reason: String
    /// The event's `id` when one could be read from it.
    public var eventID: String?
    /// The size of the whole payload as received, which may exceed what `payload` keeps.
    public var payloadSize: Int
    public var payload: [UInt8]

    /// What a dead letter counts for in the table's size cap: the payload kept and the reason.
    public var storedBytes: Int { payload.count + reason.utf8.count }

    /// `storedBytes` in SQL, over the columns of a row (`prefix`: `NEW.`, `OLD.` in a trigger).
    static func sizeSQL(_ prefix: String) -> String {
        "(length(\(prefix)payload) + length(CAST(\(prefix)reason AS BLOB)))"
    }

    public init(receivedAt: Date = Date(), reason: String, eventID: String? = nil, payload: some Collection<UInt8>) {
        self.receivedAt = receivedAt
        self.reason = reason
        self.eventID = eventID
        self.payloadSize = payload.count
        self.payload = Array(payload.prefix(Self.payloadLimit))
    }
}
