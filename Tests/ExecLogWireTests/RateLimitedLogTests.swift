import ExecLogWire
import Logging
import Synchronization
import Testing

/// Keeps the lines logged, for tests.
final class RecordingLogHandler: LogHandler, Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let recorded = Mutex<[Line]>([])
    var lines: [Line] { recorded.withLock { $0 } }
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        recorded.withLock {
            $0.append(Line(level: event.level, message: "\(event.message)", metadata: event.metadata ?? [:]))
        }
    }
}

@Suite struct RateLimitedLogTests {
    @Test func theFirstIsLoggedAtOnceTheNextOnesCountedIntoTheNextLine() {
        let handler = RecordingLogHandler()
        let logger = Logger(label: "test") { _ in handler }
        var log = RateLimitedLog(every: .seconds(10), countKey: "refused_since_last_log")
        let start = ContinuousClock.now
        let first = log.log(.warning, "refused", metadata: ["key": "a"], to: logger, now: start)
        #expect(first)
        for second in 1...9 {
            let logged = log.log(.warning, "refused", to: logger, now: start + .seconds(second))
            #expect(!logged)
        }
        let tenth = log.log(.error, "refused", to: logger, now: start + .seconds(10))
        #expect(tenth)
        let lines = handler.lines
        #expect(lines.count == 2)
        #expect(lines.first?.metadata == ["key": "a", "refused_since_last_log": "1"])
        #expect(lines.last?.level == .error)
        #expect(lines.last?.metadata["refused_since_last_log"] == "10")
    }
}
