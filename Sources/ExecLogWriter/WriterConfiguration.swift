import ExecLogStore
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
    /// The largest message accepted (ZMQ_MAXMSGSIZE): a bigger one drops the sender's connection.
    public var maxMessageBytes: Int = 64 << 20
    /// SQLite's `synchronous` on the writer's connection: `.normal` (an acked commit may be lost to a power
    /// loss) or `.full` (an fsync per commit; an acked commit survives a power loss). docs/STORE.md.
    public var synchronous: ExecutionStore.Synchronous = .normal
    /// A TRUNCATE checkpoint is tried after this many commits since the last completed one…
    public var checkpointCommits: Int = 1_000
    /// …or as soon as the `-wal` file is larger than this. A busy one is tried again later.
    public var checkpointWALBytes: Int = 64 << 20
    /// …or, once the writer is idle, when the `-wal` file is larger than this: it grew while a reader held
    /// checkpoints back, and nothing else would empty it before the next `checkpointCommits` commits.
    /// (SQLite's own checkpoints keep a WAL with no reader in the way near 4 MiB: 1,000 pages.)
    public var idleCheckpointWALBytes: Int = 4 << 20

    public init(endpoints: [String], storePath: String) {
        self.endpoints = endpoints
        self.storePath = storePath
    }
}
