import ExecLogModel
import ExecLogStore
import ExecLogWire
import Foundation

/// How `execlogd` runs. Every field is a flag, an environment variable and a config-file key (docs/DAEMON.md).
public struct WriterConfiguration: Sendable {
    /// ZeroMQ endpoints the ROUTER socket binds: `ipc:///run/execlog/execlog.sock`, `tcp://127.0.0.1:5599`.
    public var endpoints: [String]
    /// The store file; created (and migrated) on start.
    public var storePath: String
    /// A commit happens once this many events wait…
    public var commitEvents: Int = 1_000
    /// …or once the oldest waiting event has waited this long.
    public var commitInterval: Duration = .milliseconds(20)
    /// Events received but not yet committed, beyond which the writer stops reading its socket: emitters
    /// then keep their events (ZeroMQ's high-water marks push back), and the writer's memory stays bounded.
    public var maxPendingEvents: Int = 10_000
    /// Delete executions older than this, a chunk at a time between commits; nil keeps everything.
    public var retention: Duration?
    /// Delete dead letters received longer ago than this (they are kept to debug an emitter, not for
    /// ever); nil keeps them until the size cap.
    public var deadLetterRetention: Duration? = Self.defaultDeadLetterRetention
    /// Past this many bytes of dead letters (payloads and reasons), the oldest go first; nil: no cap.
    public var maxDeadLetterBytes: Int? = Self.defaultMaxDeadLetterBytes

    public static let defaultDeadLetterRetention = Duration.seconds(30 * 86_400)
    public static let defaultMaxDeadLetterBytes = 256 << 20
    /// The largest frame accepted (ZMQ_MAXMSGSIZE, which libzmq applies to each frame, so to each
    /// event): a bigger one drops the sender's connection, unanswered. Keep it above
    /// `eventLimits.maxEventBytes`, so that an event between the two is rejected with a reason.
    public var maxMessageBytes: Int = 64 << 20
    /// Bytes per event and per content field: an event past them is rejected and dead-lettered.
    public var eventLimits = EventSizeLimits()
    /// Events in one batch (the protocol allows up to 10,000): a bigger batch gets an `error`
    /// reply, nothing of it decoded or queued. (libzmq has received the whole message by then.)
    public var maxBatchEvents: Int = WireProtocol.eventsPerBatch.upperBound
    /// SQLite's `synchronous` on the writer's connection: `.normal` (an acked commit may be lost to a power
    /// loss) or `.full` (an fsync per commit; an acked commit survives a power loss). docs/STORE.md.
    public var synchronous: ExecutionStore.Synchronous = .normal
    /// A TRUNCATE checkpoint is tried after this many commits since the last completed one…
    public var checkpointCommits: Int = 1_000
    /// A RESTART checkpoint once the WAL holds this many bytes of frames. (Under a steady load the
    /// checkpointer's PASSIVE checkpoints copy the WAL but cannot start it over: SQLite does that only
    /// when a write begins with every frame copied, and the commit thread begins its next write as soon
    /// as the last one ends.) A TRUNCATE is due once the `-wal` file is 4× this. A busy one is tried
    /// again later.
    public var checkpointWALBytes: Int = 8 << 20
    /// …or, once the writer is idle, when the `-wal` file is larger than this: it grew while a reader held
    /// checkpoints back, and nothing else would empty it before the next `checkpointCommits` commits.
    /// (SQLite's own checkpoints keep a WAL with no reader in the way near 4 MiB: 1,000 pages.)
    public var idleCheckpointWALBytes: Int = 4 << 20

    /// The writer's CURVE secret key (40 Z85 characters). With it, every tcp endpoint uses CURVE:
    /// traffic is encrypted and only clients whose public key is in `allowedClientKeysFolder` get in.
    public var curveSecretKey: String?
    /// The allow-list: one `NAME.key` file per client holding its public key; re-read by ``Writer/reloadAllowedClientKeys()``.
    public var allowedClientKeysFolder: String?
    /// Bind tcp endpoints without CURVE (no encryption, no authentication): an explicit choice, warned about at start.
    public var insecureTCP = false
    /// The group given to ipc socket folders this writer creates, and to its socket files, so that its
    /// members (the workers) may connect; nil keeps the daemon's own group.
    public var socketGroup: String?
    /// The user's price file (docs/COST.md); nil: `EXECLOG_PRICES`, else /etc/execlog/prices.toml when
    /// it exists, else the bundled prices alone.
    public var priceFile: String?
    /// Keep the full-text index of what executions say (docs/SEARCH.md). Off, the writer drops it from
    /// the store at start: faster ingestion, and `execlog search` refuses until it is on again (then
    /// the writer indexes the stored rows again, a chunk at a time).
    public var searchIndex = true

    /// True for an endpoint that gets CURVE: a tcp one, when a secret key is configured.
    public func usesCurve(_ endpoint: String) -> Bool {
        curveSecretKey != nil && WireEndpoint.isTCP(endpoint)
    }

    /// The rules between the endpoints and the CURVE settings, checked by ``WriterSettings`` at start
    /// and by ``Writer`` for a configuration made in code: CURVE needs both the secret key and the
    /// allow-list; a tcp endpoint needs CURVE or an explicit `insecureTCP`.
    public func checkSecurity() throws(WriterSettingsError) {
        if curveSecretKey != nil {
            guard allowedClientKeysFolder != nil else {
                throw WriterSettingsError(
                    .conflict, "curve-secret-key-file",
                    "curve-secret-key-file needs curve-allowed-keys, the folder of the clients' public keys")
            }
            guard !insecureTCP else {
                throw WriterSettingsError(.conflict, "insecure", "insecure and curve-secret-key-file contradict each other: give one")
            }
        } else if allowedClientKeysFolder != nil {
            throw WriterSettingsError(
                .conflict, "curve-allowed-keys", "curve-allowed-keys needs curve-secret-key-file, the writer's secret key")
        }
        if let plain = endpoints.first(where: WireEndpoint.isTCP), curveSecretKey == nil, !insecureTCP {
            throw WriterSettingsError(
                .conflict, "listen",
                "listen: \(plain) needs CURVE: give --curve-secret-key-file and --curve-allowed-keys (docs/SECURITY.md), or --insecure to accept anyone, unencrypted")
        }
    }

    public init(endpoints: [String], storePath: String) {
        self.endpoints = endpoints
        self.storePath = storePath
    }
}
