import ExecLogModel
import Foundation

/// What the writer did with each event of a batch. stored + duplicates + rejected.count = events sent.
/// It answers a drop report too, as a batch of one: stored 1, or duplicates 1 when that report id was
/// already stored.
public struct Ack: Sendable, Equatable, Decodable {
    public struct Rejection: Sendable, Equatable, Decodable {
        /// Position of the event in its batch, from 0.
        public var index: Int
        /// The event's id when it could be read.
        public var id: String?
        public var error: String

        public init(index: Int, id: String?, error: String) {
            self.index = index
            self.id = id
            self.error = error
        }
    }

    public var stored: Int
    public var duplicates: Int
    public var rejected: [Rejection]

    public init(stored: Int, duplicates: Int, rejected: [Rejection] = []) {
        self.stored = stored
        self.duplicates = duplicates
        self.rejected = rejected
    }

    public var eventCount: Int { stored + duplicates + rejected.count }

    /// Written by hand (keys sorted, `id` null, not absent, when unknown, as docs/PROTOCOL.md shows): it
    /// cannot fail, whatever the rejected events held.
    public var json: [UInt8] {
        let rejections = rejected.map { rejection -> JSONValue in
            [
                "index": .int(Int64(rejection.index)), "id": rejection.id.map(JSONValue.string) ?? .null,
                "error": .string(rejection.error),
            ]
        }
        let body: JSONValue = [
            "stored": .int(Int64(stored)), "duplicates": .int(Int64(duplicates)), "rejected": .array(rejections),
        ]
        return body.serializedBytes()
    }

    public init?(json: [UInt8]) {
        guard let ack = try? JSONDecoder().decode(Ack.self, from: Data(json)) else { return nil }
        self = ack
    }
}
