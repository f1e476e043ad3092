import ExecLogModel
import ExecLogWire
import Foundation
import ZeroMQ

extension WriterSettings {
    /// Where a setting not given as a flag is looked up: the environment, then the config file.
    struct Sources {
        var environment: [String: String]
        var file: ConfigFile

        func text(_ flag: String?, _ name: String) -> String? {
            flag ?? environment[WriterSettings.environmentKey(name)] ?? file.values[name]?.last
        }

        /// A switch: the flag given, else true/yes/1 or false/no/0 (empty is false).
        func boolean(_ flag: Bool, _ name: String) throws(WriterSettingsError) -> Bool {
            let value = text(flag ? "true" : nil, name) ?? "false"
            switch value.lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0", "": return false
            default: throw WriterSettingsError.invalid(name, "expected true or false, got \(value.debugDescription)")
            }
        }

        /// A whole number > 0.
        func positive(_ flag: Int?, _ name: String) throws(WriterSettingsError) -> Int? {
            let number: Int
            if let flag {
                number = flag
            } else if let text = text(nil, name) {
                guard let parsed = Int(text) else {
                    throw WriterSettingsError.invalid(name, "expected a whole number > 0, got \(text.debugDescription)")
                }
                number = parsed
            } else {
                return nil
            }
            guard number > 0 else {
                throw WriterSettingsError.invalid(name, "expected a whole number > 0, got \(String(number).debugDescription)")
            }
            return number
        }

        func duration(_ flag: Duration?, _ name: String) throws(WriterSettingsError) -> Duration? {
            if let flag { return flag }
            guard let text = text(nil, name) else { return nil }
            return try Self.duration(text, name)
        }

        /// Read by ``DurationText``: one rule for every duration a person types.
        static func duration(_ text: String, _ name: String) throws(WriterSettingsError) -> Duration {
            do {
                return try DurationText.parse(text)
            } catch {
                throw WriterSettingsError.invalid(name, error.description)
            }
        }

        /// The whole list from one source: any flag, else a non-empty `EXECLOGD_LISTEN` (comma-separated),
        /// else every `listen` line of the file, else the default.
        func endpoints(_ flags: [String]) throws(WriterSettingsError) -> [String] {
            var endpoints = flags
            if endpoints.isEmpty, let list = environment[WriterSettings.environmentKey("listen")], !list.isEmpty {
                endpoints = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            if endpoints.isEmpty { endpoints = file.values["listen"] ?? WriterSettings.defaults.endpoints }
            if let bad = endpoints.first(where: { !WireEndpoint.isSupported($0) }) {
                throw WriterSettingsError.invalid("listen", WireEndpoint.unsupportedReason(bad))
            }
            return endpoints
        }
    }

    mutating func resolveCommits(_ flags: Flags, _ sources: Sources) throws(WriterSettingsError) {
        if let events = try sources.positive(flags.commitEvents, "commit-events") {
            guard events <= WireProtocol.eventsPerBatch.upperBound else {
                throw WriterSettingsError.invalid("commit-events", "at most \(WireProtocol.eventsPerBatch.upperBound)")
            }
            configuration.commitEvents = events
        }
        if let interval = try sources.duration(flags.commitInterval, "commit-interval") {
            configuration.commitInterval = interval
        }
        if let pending = try sources.positive(flags.maxPendingEvents, "max-pending-events") {
            configuration.maxPendingEvents = pending
        }
        configuration.retention = try sources.duration(flags.retention, "retention")
        // Dead letters are bounded by default; `off` lifts a bound.
        if let text = sources.text(flags.deadLetterRetention, "dead-letter-retention") {
            configuration.deadLetterRetention = text == "off" ? nil : try Sources.duration(text, "dead-letter-retention")
        }
        if let text = sources.text(flags.maxDeadLetterBytes, "max-dead-letter-bytes") {
            guard text == "off" || (Int(text) ?? 0) > 0 else {
                throw WriterSettingsError.invalid("max-dead-letter-bytes", "expected a whole number > 0 or off, got \(text.debugDescription)")
            }
            configuration.maxDeadLetterBytes = Int(text)
        }
    }

    /// The byte limits nest: a field within an event within a frame. Otherwise the inner limit would
    /// never apply, or an event past its limit would lose its connection instead of getting a reason
    /// back. An unset inner limit follows a smaller outer one down.
    mutating func resolveLimits(_ flags: Flags, _ sources: Sources) throws(WriterSettingsError) {
        if let bytes = try sources.positive(flags.maxMessageBytes, "max-message-bytes") {
            configuration.maxMessageBytes = bytes
        }
        var limits = configuration.eventLimits
        limits.maxEventBytes = try sources.positive(flags.maxEventBytes, "max-event-bytes")
            ?? min(limits.maxEventBytes, configuration.maxMessageBytes)
        limits.maxFieldBytes = try sources.positive(flags.maxFieldBytes, "max-field-bytes")
            ?? min(limits.maxFieldBytes, limits.maxEventBytes)
        configuration.eventLimits = limits
        guard limits.maxEventBytes <= configuration.maxMessageBytes else {
            throw WriterSettingsError(
                .conflict, "max-event-bytes",
                "max-event-bytes (\(limits.maxEventBytes)) must not be above max-message-bytes (\(configuration.maxMessageBytes))")
        }
        guard limits.maxFieldBytes <= limits.maxEventBytes else {
            throw WriterSettingsError(
                .conflict, "max-field-bytes",
                "max-field-bytes (\(limits.maxFieldBytes)) must not be above max-event-bytes (\(limits.maxEventBytes))")
        }
        if let events = try sources.positive(flags.maxBatchEvents, "max-batch-events") {
            guard events <= WireProtocol.eventsPerBatch.upperBound else {
                throw WriterSettingsError.invalid("max-batch-events", "at most \(WireProtocol.eventsPerBatch.upperBound)")
            }
            configuration.maxBatchEvents = events
        }
    }

    /// CURVE for tcp endpoints, or an explicit `insecure`; the ipc socket's group (docs/SECURITY.md).
    mutating func resolveSecurity(_ flags: Flags, _ sources: Sources) throws(WriterSettingsError) {
        if let path = sources.text(flags.curveSecretKeyFile, "curve-secret-key-file") {
            do {
                configuration.curveSecretKey = try CurveKeyFile.readSecretKey(path)
            } catch {
                throw WriterSettingsError(.unreadableFile, "curve-secret-key-file", "curve-secret-key-file: \(error)")
            }
        }
        configuration.allowedClientKeysFolder = sources.text(flags.curveAllowedKeys, "curve-allowed-keys")
        configuration.insecureTCP = try sources.boolean(flags.insecure, "insecure")
        configuration.socketGroup = sources.text(flags.socketGroup, "socket-group")
        try configuration.checkSecurity()
    }
}

/// `name = value` lines; `#` starts a comment; a name may repeat (`listen`).
struct ConfigFile {
    var values: [String: [String]] = [:]

    init(path: String?) throws(WriterSettingsError) {
        guard let path else { return }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw WriterSettingsError(.unreadableFile, "config", "cannot read config file \(path)")
        }
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else {
                throw WriterSettingsError(.unreadableFile, "config", "\(path):\(number + 1): expected `name = value`")
            }
            values[parts[0].trimmingCharacters(in: .whitespaces), default: []]
                .append(parts[1].trimmingCharacters(in: .whitespaces))
        }
    }
}
