import Foundation

/// An emitter's account of executions it dropped (never sent to the writer), so that drops show in
/// the store and in `execlog status`/`stats` instead of only in the emitter's own logs.
///
/// The counts are deltas: the drops since the emitter's previous report, so each report stands on
/// its own and the writer sums them. The JSON form is the body of the wire protocol's `report`
/// message (docs/PROTOCOL.md); its keys are the store's column names (docs/STORE.md).
public struct DropReport: Sendable, Hashable {
    /// Made by the emitter (a UUIDv7); a resend carries the same id and is stored once.
    public var id: UUID
    /// Who dropped: free text, `HOST/PID` by convention.
    public var emitter: String
    /// Executions dropped in the period, whatever the cause.
    public var dropped: Int
    /// The part of `dropped` lost because the in-memory queue was full.
    public var queueFull: Int
    /// The part lost because the disk spool was full or could not be written.
    public var spoolFull: Int
    /// The part that was spooled and could not be read back (damaged on disk).
    public var spoolUnreadable: Int
    /// The part recorded after shutdown, or still unacknowledged at shutdown without a spool.
    public var shutdown: Int
    /// Start of the period the counts cover, when the emitter said.
    public var since: Date?
    /// End of the period: when the report was made (the writer's receipt time if the emitter did not say).
    public var until: Date

    public enum Limits {
        public static let emitter = 1...200
    }

    public init(
        id: UUID = .v7(), emitter: String, dropped: Int, queueFull: Int = 0, spoolFull: Int = 0,
        spoolUnreadable: Int = 0, shutdown: Int = 0, since: Date? = nil, until: Date = Date()
    ) {
        self.id = id
        self.emitter = emitter
        self.dropped = dropped
        self.queueFull = queueFull
        self.spoolFull = spoolFull
        self.spoolUnreadable = spoolUnreadable
        self.shutdown = shutdown
        self.since = since
        self.until = until
    }

    /// The id as the store keeps it: lower case.
    public var idString: String { id.canonicalString }

    /// The report JSON: compact, keys sorted, times in the store's fixed-width form (milliseconds).
    public var json: [UInt8] {
        var members: [String: JSONValue] = [
            "emitter": .string(emitter),
            "dropped": .int(Int64(dropped)),
            "queue_full": .int(Int64(queueFull)),
            "spool_full": .int(Int64(spoolFull)),
            "spool_unreadable": .int(Int64(spoolUnreadable)),
            "shutdown": .int(Int64(shutdown)),
            "until": .string(Timestamp.format(until)),
        ]
        if let since { members["since"] = .string(Timestamp.format(since)) }
        return Array(JSONValue.object(members).serialized().utf8)
    }

    /// Reads and checks a report JSON. Unknown keys are ignored (a newer emitter may send more); a
    /// missing `until` means `receivedAt`. The error names the field, in one line.
    public init(id: UUID, json: some DataProtocol, receivedAt: Date = Date()) throws(ExecutionError) {
        guard let value = try? JSONValue.parse(json) else { throw ExecutionError(field: nil, "invalid JSON") }
        guard case .object(let members) = value else { throw ExecutionError(field: nil, "a report must be a JSON object") }

        let reader = JSONFieldReader(fields: members)
        let emitter = try reader.requiredString("emitter")
        if emitter.containsNUL { throw ExecutionError(field: "emitter", "must not contain a NUL character") }
        let length = emitter.unicodeScalars.count
        guard Limits.emitter.contains(length) else {
            throw ExecutionError(
                field: "emitter", length == 0 ? "must not be empty" : "\(length) characters, more than \(Limits.emitter.upperBound)")
        }

        let dropped = try reader.count("dropped", required: true)
        let queueFull = try reader.count("queue_full", required: false)
        let spoolFull = try reader.count("spool_full", required: false)
        let spoolUnreadable = try reader.count("spool_unreadable", required: false)
        let shutdown = try reader.count("shutdown", required: false)
        // Not "equal": a newer emitter may count a cause this version does not know.
        let (causes, overflow) = [queueFull, spoolFull, spoolUnreadable, shutdown]
            .reduce((0, false)) { sum, next in
                let (total, overflow) = sum.0.addingReportingOverflow(next)
                return (total, sum.1 || overflow)
            }
        guard !overflow, causes <= dropped else {
            throw ExecutionError(
                field: "dropped", "less than queue_full + spool_full + spool_unreadable + shutdown")
        }
        let since = try reader.time("since")
        let until = try reader.time("until") ?? receivedAt
        if let since, since > until { throw ExecutionError(field: "since", "later than until") }
        self.init(
            id: id, emitter: emitter, dropped: dropped, queueFull: queueFull, spoolFull: spoolFull,
            spoolUnreadable: spoolUnreadable, shutdown: shutdown, since: since, until: until)
    }
}
