import Logging

/// One log line per period at most, for a condition that may repeat in a loop (a writer that stays
/// down, a client retrying with a bad key every 100 ms): the first occurrence is logged at once, the
/// next ones are counted, and the next line says how many there were (`countKey`). Shared by the
/// emitter and the writer, the two ends of the wire.
public struct RateLimitedLog: Sendable {
    public let every: Duration
    /// The metadata key of the count of occurrences since the last line, this one included.
    public let countKey: String
    private var lastLogged: ContinuousClock.Instant?
    private var unlogged = 0

    public init(every: Duration = .seconds(10), countKey: String = "occurrences_since_last_log") {
        self.every = every
        self.countKey = countKey
    }

    /// Counts an occurrence and logs it unless a line went out less than `every` ago; true when it did.
    @discardableResult
    public mutating func log(
        _ level: Logger.Level, _ message: @autoclosure () -> Logger.Message,
        metadata: @autoclosure () -> Logger.Metadata = [:], to logger: Logger, now: ContinuousClock.Instant = .now
    ) -> Bool {
        unlogged += 1
        if let lastLogged, now < lastLogged + every { return false }
        var metadata = metadata()
        metadata[countKey] = "\(unlogged)"
        logger.log(level: level, message(), metadata: metadata)
        lastLogged = now
        unlogged = 0
        return true
    }
}
