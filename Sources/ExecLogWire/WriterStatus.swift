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

    public init() {}

    enum CodingKeys: String, CodingKey {
        case received, stored, duplicates, rejected, batches, malformed, commits
        case queueDepth = "queue_depth"
        case lastCommitMs = "last_commit_ms"
        case commitFailures = "commit_failures"
        case uptimeSeconds = "uptime_seconds"
        case startedAt = "started_at"
        case store, endpoints, version
    }

    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try! encoder.encode(self))
    }

    public init?(json: [UInt8]) {
        guard let status = try? JSONDecoder().decode(WriterStatus.self, from: Data(json)) else { return nil }
        self = status
    }
}
