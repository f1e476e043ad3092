/// Wire protocol v1 between emitters and the writer (docs/PROTOCOL.md): ZeroMQ multipart messages whose
/// first frame is the protocol tag and second the verb. A public contract: change it only with a new tag.
public enum WireProtocol {
    public static let tag = "execlog/1"
    public static let tagBytes = Array(tag.utf8)

    public enum Verb: String, Sendable {
        case batch, report, ack, status, error
    }

    /// Events in one batch message.
    public static let eventsPerBatch = 1...10_000
    /// Bytes in a batch id: printable ASCII, chosen by the emitter.
    public static let batchIDLength = 1...64

    public static func isValidBatchID(_ bytes: some Collection<UInt8>) -> Bool {
        batchIDLength.contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
