import Logging

/// Logs refused connections (ZAP denials, failed CURVE handshakes) at most once per period, with how
/// many were refused since the last line: a client retrying with a bad key every 100 ms must not
/// flood the logs, and the first refusal is always logged at once.
struct RefusedConnectionLog {
    let every: Duration
    private var lastLogged: ContinuousClock.Instant?
    private var unlogged = 0

    init(every: Duration = .seconds(10)) {
        self.every = every
    }

    mutating func refused(_ reason: String, metadata: Logger.Metadata = [:], logger: Logger, now: ContinuousClock.Instant = .now) {
        unlogged += 1
        if let lastLogged, now < lastLogged + every { return }
        var metadata = metadata
        metadata["refused_since_last_log"] = "\(unlogged)"
        logger.warning("connection refused: \(reason)", metadata: metadata)
        lastLogged = now
        unlogged = 0
    }
}
