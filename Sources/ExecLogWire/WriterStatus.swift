import Foundation

/// The writer's counters, as the `status` reply carries them (JSON keys are the snake_case names).
public struct WriterStatus: Sendable, Equatable, Codable {
    /// Events received in batch messages, valid or not.
    public var received: Int = 0
    public var stored: Int = 0
    public var duplicates: Int = 0
    public var rejected: Int = 0
    /// Batch messages acknowledged.
    public var batches: Int = 0
    /// Messages that were not protocol v1 (answered with `error`).
    public var malformed: Int = 0
    /// Transactions committed.
    public var commits: Int = 0
    /// Events received and not yet committed.
    public var queueDepth: Int = 0
    /// Duration of the last commit, in milliseconds.
    public var lastCommitMs: Double = 0
    /// Commits that failed and were retried (disk full, I/O error, lock timeout).
    public var commitFailures: Int = 0
    public var uptimeSeconds: Double = 0
    public var startedAt: String = ""
    public var store: String = ""
    public var endpoints: [String] = []
    public var version: String = ""
    /// Size of the store's `-wal` file in bytes, as of the last commit or checkpoint.
    public var walBytes: Int = 0
    /// WAL checkpoints the writer ran that were not blocked (busy).
    public var checkpoints: Int = 0
    /// RESTART or TRUNCATE checkpoints of the writer held back by a reader's snapshot (busy), each tried
    /// again a second later: a count that keeps growing means a long reader keeps the WAL from shrinking.
    public var checkpointsBlocked: Int = 0
    /// SQLite's `synchronous` level on the writer's connection: `normal` or `full` (docs/STORE.md).
    public var synchronous: String = ""
    /// Executions that emitters reported dropped, summed over the drop reports stored since start
    /// (a resent report adds nothing).
    public var emitterDropped: Int = 0
    /// `report` messages acknowledged (a resent one included).
    public var reports: Int = 0
    /// Connections refused on CURVE endpoints since start: ZAP denials (a key not in the allow-list)
    /// and failed handshakes (a client without CURVE, or with a wrong server key). docs/SECURITY.md.
    public var authFailures: Int = 0
    /// Client public keys in the allow-list, as last read (at start or on SIGHUP); 0 without CURVE.
    public var allowedKeys: Int = 0
    /// What this writer accepts (docs/SECURITY.md §9); nil from a writer older than these limits.
    public var limits: Limits?
    /// Dead letters in the store and their bytes (payloads and reasons), as of the last commit that
    /// stored some or the last upkeep.
    public var deadLetters: Int = 0
    public var deadLetterBytes: Int = 0
    /// Dead letters removed since start: past their retention, and oldest first past the size cap.
    public var deadLettersExpired: Int = 0
    public var deadLettersEvicted: Int = 0
    /// The dead letters' retention in seconds and size cap in bytes; nil when off (or from an older writer).
    public var deadLetterRetentionSeconds: Int?
    public var maxDeadLetterBytes: Int?

    /// The writer's configured limits, so that an emitter (in any language) can be set below them.
    public struct Limits: Sendable, Equatable, Codable {
        public var maxMessageBytes: Int
        public var maxEventBytes: Int
        public var maxFieldBytes: Int
        public var maxBatchEvents: Int

        public init(maxMessageBytes: Int, maxEventBytes: Int, maxFieldBytes: Int, maxBatchEvents: Int) {
            self.maxMessageBytes = maxMessageBytes
            self.maxEventBytes = maxEventBytes
            self.maxFieldBytes = maxFieldBytes
            self.maxBatchEvents = maxBatchEvents
        }

        enum CodingKeys: String, CodingKey {
            case maxMessageBytes = "max_message_bytes"
            case maxEventBytes = "max_event_bytes"
            case maxFieldBytes = "max_field_bytes"
            case maxBatchEvents = "max_batch_events"
        }
    }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case received, stored, duplicates, rejected, batches, malformed, commits
        case queueDepth = "queue_depth"
        case lastCommitMs = "last_commit_ms"
        case commitFailures = "commit_failures"
        case uptimeSeconds = "uptime_seconds"
        case startedAt = "started_at"
        case store, endpoints, version
        case walBytes = "wal_bytes"
        case checkpoints, synchronous
        case checkpointsBlocked = "checkpoints_blocked"
        case emitterDropped = "emitter_dropped"
        case reports
        case authFailures = "auth_failures"
        case allowedKeys = "allowed_keys"
        case limits
        case deadLetters = "dead_letters"
        case deadLetterBytes = "dead_letter_bytes"
        case deadLettersExpired = "dead_letters_expired"
        case deadLettersEvicted = "dead_letters_evicted"
        case deadLetterRetentionSeconds = "dead_letter_retention_seconds"
        case maxDeadLetterBytes = "max_dead_letter_bytes"
    }

    /// Keys missing from the JSON keep their defaults, so that a newer `execlog` reads an older writer's status.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        received = try value(.received, received)
        stored = try value(.stored, stored)
        duplicates = try value(.duplicates, duplicates)
        rejected = try value(.rejected, rejected)
        batches = try value(.batches, batches)
        malformed = try value(.malformed, malformed)
        commits = try value(.commits, commits)
        queueDepth = try value(.queueDepth, queueDepth)
        lastCommitMs = try value(.lastCommitMs, lastCommitMs)
        commitFailures = try value(.commitFailures, commitFailures)
        uptimeSeconds = try value(.uptimeSeconds, uptimeSeconds)
        startedAt = try value(.startedAt, startedAt)
        store = try value(.store, store)
        endpoints = try value(.endpoints, endpoints)
        version = try value(.version, version)
        walBytes = try value(.walBytes, walBytes)
        checkpoints = try value(.checkpoints, checkpoints)
        checkpointsBlocked = try value(.checkpointsBlocked, checkpointsBlocked)
        synchronous = try value(.synchronous, synchronous)
        emitterDropped = try value(.emitterDropped, emitterDropped)
        reports = try value(.reports, reports)
        authFailures = try value(.authFailures, authFailures)
        allowedKeys = try value(.allowedKeys, allowedKeys)
        limits = try container.decodeIfPresent(Limits.self, forKey: .limits)
        deadLetters = try value(.deadLetters, deadLetters)
        deadLetterBytes = try value(.deadLetterBytes, deadLetterBytes)
        deadLettersExpired = try value(.deadLettersExpired, deadLettersExpired)
        deadLettersEvicted = try value(.deadLettersEvicted, deadLettersEvicted)
        deadLetterRetentionSeconds = try container.decodeIfPresent(Int.self, forKey: .deadLetterRetentionSeconds)
        maxDeadLetterBytes = try container.decodeIfPresent(Int.self, forKey: .maxDeadLetterBytes)
    }

    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // JSONEncoder fails only on a non-finite double; written as a string, none can make it fail.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return (try? encoder.encode(self)).map(Array.init) ?? Array("{}".utf8)
    }

    public init?(json: [UInt8]) {
        guard let status = try? JSONDecoder().decode(WriterStatus.self, from: Data(json)) else { return nil }
        self = status
    }
}
