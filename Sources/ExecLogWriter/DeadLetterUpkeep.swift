import ExecLogStore
import Foundation
import Logging

/// Keeps `dead_letters` within its retention and its size cap, a chunk at a time on the commit thread,
/// between commits (docs/DAEMON.md): once a minute, at once after a commit that stored dead letters
/// past the cap, and turn after turn while a chunk leaves more to do.
struct DeadLetterUpkeep {
    let retention: Duration?
    let maxBytes: Int?
    /// The store's dead letters as last read: a commit adds what it stored.
    private(set) var totals = DeadLetterTotals()
    private var nextRun = ContinuousClock.now
    private var backlog = false

    static let interval = Duration.seconds(60)

    init(retention: Duration?, maxBytes: Int?) {
        self.retention = retention
        self.maxBytes = maxBytes
    }

    var isOff: Bool { retention == nil && maxBytes == nil }

    /// True while more is to be removed: the commit loop then comes back quickly when idle.
    var hasBacklog: Bool { backlog }

    /// A commit stored these dead letters.
    mutating func stored(count: Int, bytes: Int) {
        guard count > 0 else { return }
        totals.count += count
        totals.bytes += bytes
        if let maxBytes, totals.bytes > maxBytes { backlog = true }
    }

    /// Runs one chunk when one is due; returns what it removed (nil: none was due, or it failed and was logged).
    mutating func runIfDue(store: ExecutionStore, now: ContinuousClock.Instant = .now, logger: Logger) -> DeadLetterTrim? {
        guard !isOff, backlog || now >= nextRun else { return nil }
        nextRun = now + Self.interval
        let cutoff = retention.map { Date().addingTimeInterval(-Double($0.components.seconds)) }
        do {
            let trim = try store.trimDeadLetters(receivedBefore: cutoff, maxBytes: maxBytes)
            totals = trim.totals
            backlog = trim.hasMore
            if trim.expired + trim.evicted > 0 {
                logger.info(
                    "dead letters removed",
                    metadata: [
                        "expired": "\(trim.expired)", "evicted_over_cap": "\(trim.evicted)", "left": "\(trim.totals.count)",
                        "left_bytes": "\(trim.totals.bytes)",
                    ])
            }
            return trim
        } catch {
            backlog = false
            logger.error("dead letter upkeep failed; will retry", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Reads the totals from the store (at start).
    mutating func load(from store: ExecutionStore) throws(StoreError) {
        totals = try store.deadLetterTotals()
        if let maxBytes, totals.bytes > maxBytes { backlog = true }
    }
}
