import ExecLogModel
import ExecLogStore
import ExecLogWire
import Foundation
import Logging
import ZeroMQ

/// `execlogd`'s settings, resolved: flag, else environment (`EXECLOGD_*`), else config file, else the
/// default of ``WriterConfiguration`` (docs/DAEMON.md). Every value a person typed is checked here,
/// before the writer touches a file.
public struct WriterSettings: Sendable {
    public var configuration: WriterConfiguration
    public var logLevel: Logger.Level

    public static let defaultStorePath = "/var/lib/execlog/execlog.db"
    public static let defaultLogLevel = Logger.Level.info
    /// The writer's configuration when nothing is set: the defaults the help text shows.
    public static let defaults = WriterConfiguration(endpoints: [WireEndpoint.defaultEndpoint], storePath: defaultStorePath)

    /// The names of the settings: flags without their dashes, config-file keys, and, in upper case with
    /// `_` for `-` behind `EXECLOGD_`, environment variables.
    public static let names: [String] = [
        "listen", "db", "commit-events", "commit-interval", "max-pending-events", "retention",
        "dead-letter-retention", "max-dead-letter-bytes", "max-message-bytes", "max-event-bytes", "max-field-bytes",
        "max-batch-events", "log-level", "synchronous", "curve-secret-key-file", "curve-allowed-keys", "insecure",
        "socket-group", "no-search-index",
    ]

    /// The environment variable of a setting: `commit-interval` → `EXECLOGD_COMMIT_INTERVAL`.
    public static func environmentKey(_ name: String) -> String {
        "EXECLOGD_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// What the command line gave, already typed by it; nil (or empty) for what it did not give.
    public struct Flags: Sendable {
        public var listen: [String] = []
        public var db: String?
        public var commitEvents: Int?
        public var commitInterval: Duration?
        public var maxPendingEvents: Int?
        public var retention: Duration?
        /// A duration or `off`.
        public var deadLetterRetention: String?
        /// Bytes or `off`.
        public var maxDeadLetterBytes: String?
        public var maxMessageBytes: Int?
        public var maxEventBytes: Int?
        public var maxFieldBytes: Int?
        public var maxBatchEvents: Int?
        public var synchronous: String?
        public var logLevel: String?
        public var curveSecretKeyFile: String?
        public var curveAllowedKeys: String?
        public var insecure = false
        public var socketGroup: String?
        public var noSearchIndex = false
        public var prices: String?
        /// The config file; else `EXECLOGD_CONFIG`.
        public var config: String?

        public init() {}
    }

    public init(flags: Flags, environment: [String: String]) throws(WriterSettingsError) {
        let file = try ConfigFile(path: flags.config ?? environment["EXECLOGD_CONFIG"])
        if let unknown = file.values.keys.sorted().first(where: { !Self.names.contains($0) }) {
            throw WriterSettingsError(
                .unknownSetting, unknown,
                "config file: unknown setting \(unknown.debugDescription); known: \(Self.names.sorted().joined(separator: ", "))")
        }
        let sources = Sources(environment: environment, file: file)
        logLevel = Self.defaultLogLevel
        configuration = Self.defaults
        configuration.endpoints = try sources.endpoints(flags.listen)
        configuration.storePath = sources.text(flags.db, "db") ?? Self.defaultStorePath
        try resolveCommits(flags, sources)
        try resolveLimits(flags, sources)
        let synchronous = sources.text(flags.synchronous, "synchronous") ?? configuration.synchronous.rawValue
        guard let parsedSynchronous = ExecutionStore.Synchronous(rawValue: synchronous.lowercased()) else {
            throw WriterSettingsError.invalid(
                "synchronous", "\(synchronous.debugDescription) is not one of \(ExecutionStore.Synchronous.allCases.map(\.rawValue))")
        }
        configuration.synchronous = parsedSynchronous
        if let level = sources.text(flags.logLevel, "log-level") {
            do {
                logLevel = try LogLevelText.parse(level)
            } catch {
                throw WriterSettingsError.invalid("log-level", error.description)
            }
        }
        try resolveSecurity(flags, sources)
        configuration.searchIndex = try !sources.boolean(flags.noSearchIndex, "no-search-index")
        // Not a setting of its own (no EXECLOGD_ variable or config key): the price file is found by the
        // same rule as execlog's, so that `execlog reprice` uses the prices the writer uses.
        configuration.priceFile = flags.prices
    }
}

/// A setting that cannot be used, naming it, in one line.
public struct WriterSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A value that does not parse or is out of range.
        case invalidValue
        /// A config-file key that is no setting.
        case unknownSetting
        /// Settings that contradict each other, or one that needs another.
        case conflict
        /// The config file or a key file cannot be read or is malformed.
        case unreadableFile
    }

    public var kind: Kind
    /// The setting concerned, as named in the config file.
    public var setting: String
    public var message: String

    public init(_ kind: Kind, _ setting: String, _ message: String) {
        self.kind = kind
        self.setting = setting
        self.message = message
    }

    /// A value of `setting` that does not parse or is out of range: "setting: reason".
    static func invalid(_ setting: String, _ reason: String) -> Self {
        Self(.invalidValue, setting, "\(setting): \(reason)")
    }

    public var description: String { message }
}
