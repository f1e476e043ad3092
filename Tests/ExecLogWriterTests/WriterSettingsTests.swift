import ExecLogModel
import ExecLogTestSupport
import ExecLogWriter
import Foundation
import Logging
import Testing

/// `execlogd`'s settings, resolved in the library: flag > environment > config file > default.
@Suite struct WriterSettingsTests {
    @Test func nothingSetGivesTheConfigurationDefaults() throws {
        let settings = try WriterSettings(flags: .init(), environment: [:])
        let defaults = WriterSettings.defaults
        #expect(settings.configuration.endpoints == ["ipc:///run/execlog/execlog.sock"])
        #expect(settings.configuration.storePath == "/var/lib/execlog/execlog.db")
        #expect(settings.configuration.commitEvents == defaults.commitEvents)
        #expect(settings.configuration.commitInterval == .milliseconds(20))
        #expect(settings.configuration.deadLetterRetention == .seconds(30 * 86_400))
        #expect(settings.configuration.maxDeadLetterBytes == 256 << 20)
        #expect(settings.configuration.eventLimits == EventSizeLimits())
        #expect(settings.configuration.retention == nil)
        #expect(settings.configuration.searchIndex)
        #expect(settings.logLevel == .info)
    }

    @Test func theSearchIndexIsLeftOutByFlagEnvironmentOrFile() throws {
        var flags = WriterSettings.Flags()
        flags.noSearchIndex = true
        #expect(try !WriterSettings(flags: flags, environment: [:]).configuration.searchIndex)
        #expect(try !WriterSettings(flags: .init(), environment: ["EXECLOGD_NO_SEARCH_INDEX": "yes"]).configuration.searchIndex)
        let folder = try TemporaryFolder()
        let config = folder.path("execlogd.conf")
        try "no-search-index = true\n".write(toFile: config, atomically: true, encoding: .utf8)
        flags = WriterSettings.Flags()
        flags.config = config
        #expect(try !WriterSettings(flags: flags, environment: [:]).configuration.searchIndex)
        #expect(try WriterSettings(flags: flags, environment: ["EXECLOGD_NO_SEARCH_INDEX": "false"]).configuration.searchIndex)
    }

    @Test func aFlagBeatsTheEnvironmentWhichBeatsTheFile() throws {
        let folder = try TemporaryFolder()
        let config = folder.path("execlogd.conf")
        try "commit-interval = 7ms\nmax-pending-events = 30\nretention = 2d\n".write(toFile: config, atomically: true, encoding: .utf8)
        var flags = WriterSettings.Flags()
        flags.config = config
        flags.commitInterval = .milliseconds(5)
        let environment = ["EXECLOGD_COMMIT_INTERVAL": "6ms", "EXECLOGD_MAX_PENDING_EVENTS": "20"]
        let settings = try WriterSettings(flags: flags, environment: environment)
        #expect(settings.configuration.commitInterval == .milliseconds(5))
        #expect(settings.configuration.maxPendingEvents == 20)
        #expect(settings.configuration.retention == .seconds(2 * 86_400))
    }

    @Test func offLiftsTheDeadLetterBoundsAndAFlagDurationIsRead() throws {
        var flags = WriterSettings.Flags()
        flags.deadLetterRetention = "7d"
        flags.maxDeadLetterBytes = "off"
        let settings = try WriterSettings(flags: flags, environment: ["EXECLOGD_DEAD_LETTER_RETENTION": "off"])
        #expect(settings.configuration.deadLetterRetention == .seconds(7 * 86_400))
        #expect(settings.configuration.maxDeadLetterBytes == nil)
        let off = try WriterSettings(flags: .init(), environment: ["EXECLOGD_DEAD_LETTER_RETENTION": "off"])
        #expect(off.configuration.deadLetterRetention == nil)
    }

    @Test func anUnsetInnerLimitFollowsASmallerOuterOne() throws {
        var flags = WriterSettings.Flags()
        flags.maxMessageBytes = 1_000
        let limits = try WriterSettings(flags: flags, environment: [:]).configuration.eventLimits
        #expect(limits == EventSizeLimits(maxEventBytes: 1_000, maxFieldBytes: 1_000))
    }

    @Test(arguments: [
        (["EXECLOGD_COMMIT_INTERVAL": "20"], WriterSettingsError.Kind.invalidValue,
         "commit-interval: invalid duration \"20\": expected a number and a unit ms, s, m, h, d or w (e.g. 30d)"),
        (["EXECLOGD_COMMIT_EVENTS": "x"], .invalidValue, "commit-events: expected a whole number > 0, got \"x\""),
        (["EXECLOGD_COMMIT_EVENTS": "10001"], .invalidValue, "commit-events: at most 10000"),
        (["EXECLOGD_LISTEN": "http://x"], .invalidValue, "listen: \"http://x\" is not an ipc:// or tcp:// endpoint"),
        (["EXECLOGD_LOG_LEVEL": "loud"], .invalidValue, "log-level: \"loud\" is not one of"),
        (["EXECLOGD_SYNCHRONOUS": "off"], .invalidValue, "synchronous: \"off\" is not one of [\"normal\", \"full\"]"),
        (["EXECLOGD_INSECURE": "maybe"], .invalidValue, "insecure: expected true or false"),
        (["EXECLOGD_NO_SEARCH_INDEX": "sometimes"], .invalidValue, "no-search-index: expected true or false"),
        (["EXECLOGD_MAX_DEAD_LETTER_BYTES": "0"], .invalidValue, "max-dead-letter-bytes: expected a whole number > 0 or off"),
        (["EXECLOGD_LISTEN": "tcp://127.0.0.1:5599"], .conflict, "listen: tcp://127.0.0.1:5599 needs CURVE"),
        (["EXECLOGD_CURVE_ALLOWED_KEYS": "/tmp"], .conflict, "curve-allowed-keys needs curve-secret-key-file"),
        (["EXECLOGD_MAX_EVENT_BYTES": "100", "EXECLOGD_MAX_FIELD_BYTES": "200"], .conflict,
         "max-field-bytes (200) must not be above max-event-bytes (100)"),
        (["EXECLOGD_CONFIG": "/nonexistent/execlogd.conf"], .unreadableFile, "cannot read config file /nonexistent/execlogd.conf"),
        (["EXECLOGD_CURVE_SECRET_KEY_FILE": "/nonexistent/w.secret"], .unreadableFile, "curve-secret-key-file: "),
    ])
    func aBadSettingIsAnErrorOfItsKindNamingIt(environment: [String: String], kind: WriterSettingsError.Kind, message: String) {
        #expect {
            try WriterSettings(flags: .init(), environment: environment)
        } throws: { error in
            guard let error = error as? WriterSettingsError else { return false }
            return error.kind == kind && error.description.hasPrefix(message) && !error.description.contains("\n")
        }
    }

    @Test func anUnknownKeyInTheConfigFileIsRefusedWithTheKnownOnes() throws {
        let folder = try TemporaryFolder()
        let config = folder.path("execlogd.conf")
        try "comit-events = 5\n".write(toFile: config, atomically: true, encoding: .utf8)
        var flags = WriterSettings.Flags()
        flags.config = config
        let error = #expect(throws: WriterSettingsError.self) { try WriterSettings(flags: flags, environment: [:]) }
        #expect(error?.kind == .unknownSetting)
        #expect(error?.setting == "comit-events")
        #expect(error?.description.contains("known: commit-events, commit-interval") == true)
    }

    @Test func everySettingHasItsEnvironmentVariable() {
        #expect(WriterSettings.environmentKey("commit-interval") == "EXECLOGD_COMMIT_INTERVAL")
        #expect(WriterSettings.names.count == Set(WriterSettings.names).count)
    }
}
