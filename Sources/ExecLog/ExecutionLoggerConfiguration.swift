import ExecLogWire
import Foundation

/// How an ``ExecutionLogger`` reaches the writer, and how much it may buffer.
///
/// The defaults suit a worker on the same machine as `execlogd`. Every limit is enforced in the
/// emitter, so a slow or absent writer costs the host process a bounded amount of memory:
/// `maxQueueBytes` of events counted at their JSON size, which take 2.5–3× that in memory when small
/// (docs/PERFORMANCE.md, row 5).
public struct ExecutionLoggerConfiguration: Sendable, Hashable {
    /// The writer's ZeroMQ endpoint: `ipc:///run/execlog/execlog.sock` or `tcp://host:port`.
    public var endpoint: String
    /// Memory bound for events recorded and not yet acknowledged (estimated from their JSON size).
    /// When reached, new events are dropped and counted (or spooled, with `spoolDirectory`), so a
    /// stalled writer never stalls the host.
    public var maxQueueBytes: Int
    /// A batch is sent once it holds this many events (at most 10 000, the protocol's limit).
    public var maxBatchEvents: Int
    /// A batch is sent once its events' JSON reaches this many bytes; an event larger than this
    /// travels alone.
    public var maxBatchBytes: Int
    /// An event whose JSON is larger than this is not sent: it is counted as rejected and logged.
    /// Keep it below the writer's `--max-message-bytes` (64 MiB by default), which drops the
    /// connection on a larger frame, so that such an event would never be acknowledged and would
    /// be sent again and again.
    public var maxEventBytes: Int
    /// Longest an event waits for its batch to fill before the batch is sent anyway.
    public var batchInterval: Duration
    /// How long a sent batch waits for its ack before it is sent again (same batch id; the writer
    /// ignores events it already stored, so a resend never makes a second row). Generous on purpose:
    /// under full load a batch queues behind the writer's backlog, and resending it then only adds work.
    public var ackTimeout: Duration
    /// Batches sent and not yet acknowledged; further events wait in the queue.
    public var maxInFlightBatches: Int
    /// First reconnection delay after the writer goes away; libzmq doubles it up to
    /// `reconnectIntervalMax`, so a writer down for a long time is not hammered.
    public var reconnectInterval: Duration
    public var reconnectIntervalMax: Duration
    /// ZMTP heartbeats: a PING every `heartbeatInterval`, and the connection is dropped (and
    /// re-established by libzmq) after `heartbeatTimeout` without traffic. Detects a writer that
    /// vanished without closing its connections (host crash, network cut).
    public var heartbeatInterval: Duration
    public var heartbeatTimeout: Duration
    /// A folder for the disk spool, or nil (the default) for none. With a spool, events that do
    /// not fit in `maxQueueBytes`, and those still unacknowledged at shutdown, are written there
    /// instead of being dropped, and sent from there once the writer takes them (also by the next
    /// logger started on the same folder). One logger at a time per folder: a second one logs an
    /// error and runs without a spool. See ``Spool``'s documentation for the files.
    public var spoolDirectory: String?
    /// Bound on the spool's files, in bytes (default 1 GiB). Past it, events are dropped and
    /// counted in `droppedSpoolFull`.
    public var maxSpoolBytes: Int
    /// When the spool's writes are fsynced (default ``SpoolSync/batch``).
    public var spoolSync: SpoolSync
    /// What of each execution's content leaves the process: by default everything, with API keys,
    /// bearer tokens, e-mail addresses and card numbers redacted. See ``ContentPolicy``.
    public var contentPolicy: ContentPolicy
    /// CURVE, for a tcp endpoint (ignored for ipc): the writer's public key, 40 Z85 characters. With it,
    /// the connection is encrypted and the writer authenticated; `curveSecretKey` must be set too.
    public var curveServerPublicKey: String? = nil
    /// This client's CURVE public key (derived from `curveSecretKey` when nil); the writer's allow-list must hold it.
    public var curvePublicKey: String? = nil
    /// This client's CURVE secret key, 40 Z85 characters.
    public var curveSecretKey: String? = nil

    public static let defaultEndpoint = WireEndpoint.defaultEndpoint

    public init(
        endpoint: String = Self.defaultEndpoint,
        maxQueueBytes: Int = 64 << 20,
        maxBatchEvents: Int = 500,
        maxBatchBytes: Int = 1 << 20,
        maxEventBytes: Int = 32 << 20,
        batchInterval: Duration = .milliseconds(20),
        ackTimeout: Duration = .seconds(30),
        maxInFlightBatches: Int = 8,
        reconnectInterval: Duration = .milliseconds(100),
        reconnectIntervalMax: Duration = .seconds(2),
        heartbeatInterval: Duration = .seconds(1),
        heartbeatTimeout: Duration = .seconds(3),
        spoolDirectory: String? = nil,
        maxSpoolBytes: Int = 1 << 30,
        spoolSync: SpoolSync = .batch,
        contentPolicy: ContentPolicy = ContentPolicy()
    ) {
        self.endpoint = endpoint
        self.maxQueueBytes = maxQueueBytes
        self.maxBatchEvents = maxBatchEvents
        self.maxBatchBytes = maxBatchBytes
        self.maxEventBytes = maxEventBytes
        self.batchInterval = batchInterval
        self.ackTimeout = ackTimeout
        self.maxInFlightBatches = maxInFlightBatches
        self.reconnectInterval = reconnectInterval
        self.reconnectIntervalMax = reconnectIntervalMax
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.spoolDirectory = spoolDirectory
        self.maxSpoolBytes = maxSpoolBytes
        self.spoolSync = spoolSync
        self.contentPolicy = contentPolicy
    }

    /// Environment variables read by ``fromEnvironment(_:)``; unset ones keep their default.
    public enum EnvironmentKey {
        /// `EXECLOG_ENDPOINT`: the writer's endpoint.
        public static let endpoint = WireEndpoint.environmentKey
        /// `EXECLOG_MAX_QUEUE_BYTES`: memory bound for unacknowledged events, in bytes.
        public static let maxQueueBytes = "EXECLOG_MAX_QUEUE_BYTES"
        /// `EXECLOG_BATCH_MAX_EVENTS`: events per batch.
        public static let maxBatchEvents = "EXECLOG_BATCH_MAX_EVENTS"
        /// `EXECLOG_BATCH_MAX_BYTES`: JSON bytes per batch.
        public static let maxBatchBytes = "EXECLOG_BATCH_MAX_BYTES"
        /// `EXECLOG_MAX_EVENT_BYTES`: largest event JSON sent, in bytes.
        public static let maxEventBytes = "EXECLOG_MAX_EVENT_BYTES"
        /// `EXECLOG_BATCH_INTERVAL_MS`: longest wait for a batch to fill, in milliseconds.
        public static let batchIntervalMilliseconds = "EXECLOG_BATCH_INTERVAL_MS"
        /// `EXECLOG_ACK_TIMEOUT_MS`: wait for an ack before resending, in milliseconds.
        public static let ackTimeoutMilliseconds = "EXECLOG_ACK_TIMEOUT_MS"
        /// `EXECLOG_MAX_IN_FLIGHT`: batches sent and not yet acknowledged.
        public static let maxInFlightBatches = "EXECLOG_MAX_IN_FLIGHT"
        /// `EXECLOG_SPOOL_DIR`: the spool folder (unset or empty: no spool).
        public static let spoolDirectory = "EXECLOG_SPOOL_DIR"
        /// `EXECLOG_SPOOL_MAX_BYTES`: bound on the spool's files, in bytes.
        public static let maxSpoolBytes = "EXECLOG_SPOOL_MAX_BYTES"
        /// `EXECLOG_SPOOL_SYNC`: `none`, `batch` or `always`.
        public static let spoolSync = "EXECLOG_SPOOL_SYNC"
        /// `EXECLOG_CONTENT_CAPTURE`: `full`, `redacted` or `metadata-only`.
        public static let contentCapture = "EXECLOG_CONTENT_CAPTURE"
        /// `EXECLOG_CONTENT_CAPTURE_BY_USAGE_TYPE`: `usage_type=capture` pairs, comma-separated.
        public static let contentCaptureByUsageType = "EXECLOG_CONTENT_CAPTURE_BY_USAGE_TYPE"
        /// `EXECLOG_REDACT_PATTERNS`: `all`, `none`, or built-in pattern names, comma-separated.
        public static let redactPatterns = "EXECLOG_REDACT_PATTERNS"
        /// `EXECLOG_REDACT_CUSTOM_FILE`: a file of extra regular expressions, one per line.
        public static let redactCustomFile = "EXECLOG_REDACT_CUSTOM_FILE"
        /// `EXECLOG_MAX_CONTENT_BYTES`: longest text kept per field, in bytes.
        public static let maxContentBytes = "EXECLOG_MAX_CONTENT_BYTES"
    }

    /// The defaults, overridden by the `EXECLOG_*` variables of ``EnvironmentKey``.
    /// Throws for a value that is not a valid number or endpoint, naming the variable: a typo in
    /// a deployment should fail at startup rather than be silently ignored.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> Self {
        var configuration = Self()
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let text = environment[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                return nil
            }
            guard let value = Int(text), range.contains(value) else {
                let bounds = range.upperBound == .max ? "≥ \(range.lowerBound)" : "in \(range)"
                throw ConfigurationError("\(key)=\(text.debugDescription): expected an integer \(bounds)")
            }
            return value
        }
        if environment[EnvironmentKey.endpoint] != nil {
            // The clients' one rule: trimmed, and an empty value means the default.
            let endpoint = WireEndpoint.resolve(nil, environment: environment)
            guard WireEndpoint.isSupported(endpoint) else {
                throw ConfigurationError(
                    "\(EnvironmentKey.endpoint)=\(endpoint.debugDescription): expected tcp://host:port or ipc:///path")
            }
            configuration.endpoint = endpoint
        }
        if let value = try integer(EnvironmentKey.maxQueueBytes, 1...Int.max) { configuration.maxQueueBytes = value }
        if let value = try integer(EnvironmentKey.maxBatchEvents, WireProtocol.eventsPerBatch) {
            configuration.maxBatchEvents = value
        }
        if let value = try integer(EnvironmentKey.maxBatchBytes, 1...Int.max) { configuration.maxBatchBytes = value }
        if let value = try integer(EnvironmentKey.maxEventBytes, 1...Int.max) { configuration.maxEventBytes = value }
        if let value = try integer(EnvironmentKey.batchIntervalMilliseconds, 0...Int.max) {
            configuration.batchInterval = .milliseconds(value)
        }
        if let value = try integer(EnvironmentKey.ackTimeoutMilliseconds, 1...Int.max) {
            configuration.ackTimeout = .milliseconds(value)
        }
        if let value = try integer(EnvironmentKey.maxInFlightBatches, 1...Int.max) {
            configuration.maxInFlightBatches = value
        }
        if let directory = environment[EnvironmentKey.spoolDirectory]?.trimmingCharacters(in: .whitespaces),
            !directory.isEmpty
        {
            configuration.spoolDirectory = directory
        }
        if let value = try integer(EnvironmentKey.maxSpoolBytes, 1...Int.max) { configuration.maxSpoolBytes = value }
        if let text = environment[EnvironmentKey.spoolSync]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let sync = SpoolSync(rawValue: text.lowercased()) else {
                throw ConfigurationError(
                    "\(EnvironmentKey.spoolSync)=\(text.debugDescription): expected none, batch or always")
            }
            configuration.spoolSync = sync
        }
        try configuration.contentPolicy.apply(environment)
        try configuration.readCurveKeys(from: environment)
        return configuration
    }

    /// Checks every value; ``ExecutionLogger`` itself clamps rather than fails, so call this to
    /// report a bad configuration early.
    public func validate() throws(ConfigurationError) {
        guard WireEndpoint.isSupported(endpoint) else {
            throw ConfigurationError("endpoint \(endpoint.debugDescription): expected tcp://host:port or ipc:///path")
        }
        guard maxQueueBytes > 0 else { throw ConfigurationError("maxQueueBytes must be > 0") }
        guard WireProtocol.eventsPerBatch.contains(maxBatchEvents) else {
            throw ConfigurationError("maxBatchEvents must be in 1...\(WireProtocol.eventsPerBatch.upperBound)")
        }
        guard maxBatchBytes > 0 else { throw ConfigurationError("maxBatchBytes must be > 0") }
        guard maxEventBytes > 0 else { throw ConfigurationError("maxEventBytes must be > 0") }
        guard batchInterval >= .zero else { throw ConfigurationError("batchInterval must be ≥ 0") }
        guard ackTimeout > .zero else { throw ConfigurationError("ackTimeout must be > 0") }
        guard maxInFlightBatches > 0 else { throw ConfigurationError("maxInFlightBatches must be > 0") }
        if let spoolDirectory, spoolDirectory.isEmpty {
            throw ConfigurationError("spoolDirectory must not be empty (nil for no spool)")
        }
        guard maxSpoolBytes > 0 else { throw ConfigurationError("maxSpoolBytes must be > 0") }
        if let limit = contentPolicy.maxContentBytes, limit < 1 {
            throw ConfigurationError("contentPolicy.maxContentBytes must be ≥ 1 (nil for no limit)")
        }
        _ = try ContentFilter(contentPolicy)
        try validateCurveKeys()
    }

    /// The values the logger actually uses: out-of-range ones brought to the nearest valid value.
    var clamped: Self {
        var copy = self
        copy.maxQueueBytes = max(1, maxQueueBytes)
        copy.maxBatchEvents = min(max(1, maxBatchEvents), WireProtocol.eventsPerBatch.upperBound)
        copy.maxBatchBytes = max(1, maxBatchBytes)
        copy.maxEventBytes = max(1, maxEventBytes)
        copy.batchInterval = max(.zero, batchInterval)
        copy.ackTimeout = max(.milliseconds(1), ackTimeout)
        copy.maxInFlightBatches = max(1, maxInFlightBatches)
        if spoolDirectory?.isEmpty == true { copy.spoolDirectory = nil }
        copy.maxSpoolBytes = max(1, maxSpoolBytes)
        return copy
    }
}

/// When the disk spool's writes are forced to the device with `fsync`.
public enum SpoolSync: String, Sendable, Hashable, CaseIterable {
    /// Never: the kernel writes when it likes. Survives a crash of the process, not of the machine.
    case none
    /// After each burst of writes (one turn of the sender's loop, and at shutdown): at most the
    /// last burst is lost if the machine goes down.
    case batch
    /// After every event: safest, and slowest by far.
    case always
}

/// A configuration value that cannot be used, in one line, with its kind for callers to branch on.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A value that does not parse or is out of range (an `EXECLOG_*` variable, a property, a pattern).
        case invalidValue
        /// Values that contradict each other or need one another (a key and its `_FILE` form, half a CURVE pair).
        case conflict
        /// A file a value names cannot be read (a key file, the custom redaction patterns).
        case unreadableFile
    }

    public var kind: Kind
    public var message: String

    public init(_ message: String, kind: Kind = .invalidValue) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
