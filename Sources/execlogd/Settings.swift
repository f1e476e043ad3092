import ArgumentParser
import ExecLogCLI
import ExecLogModel
import ExecLogStore
import ExecLogWriter
import Foundation
import Logging
import ZeroMQ

/// The daemon's settings, resolved: flag, else environment, else config file, else default.
struct Settings {
    var configuration: WriterConfiguration
    var logLevel: Logger.Level

    init(command: DaemonCommand, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let file = try ConfigFile(path: command.config ?? environment["EXECLOGD_CONFIG"])
        let known: Set = [
            "listen", "db", "commit-events", "commit-interval", "max-pending-events", "retention",
            "dead-letter-retention", "max-dead-letter-bytes", "max-message-bytes",
            "max-event-bytes", "max-field-bytes", "max-batch-events",
            "log-level", "synchronous", "curve-secret-key-file", "curve-allowed-keys", "insecure", "socket-group",
        ]
        if let unknown = file.values.keys.sorted().first(where: { !known.contains($0) }) {
            throw ValidationError("config file: unknown setting \(unknown.debugDescription); known: \(known.sorted().joined(separator: ", "))")
        }
        func value(_ flag: String?, _ name: String) -> String? {
            flag ?? environment["EXECLOGD_" + name.uppercased().replacingOccurrences(of: "-", with: "_")]
                ?? file.values[name]?.last
        }
        func integer(_ flag: Int?, _ name: String, default fallback: Int) throws -> Int {
            guard let text = value(flag.map(String.init), name) else { return fallback }
            guard let number = Int(text), number > 0 else {
                throw ValidationError("\(name): expected a whole number > 0, got \(text.debugDescription)")
            }
            return number
        }
        func duration(_ flag: String?, _ name: String) throws -> Duration? {
            guard let text = value(flag, name) else { return nil }
            do {
                return .milliseconds(Int64((try TimeArguments.duration(text) * 1000).rounded()))
            } catch {
                throw ValidationError("\(name): \(error)")
            }
        }

        var endpoints = command.listen
        if endpoints.isEmpty, let list = environment["EXECLOGD_LISTEN"], !list.isEmpty {
            endpoints = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if endpoints.isEmpty { endpoints = file.values["listen"] ?? [DaemonCommand.defaultEndpoint] }
        for endpoint in endpoints where !(endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("tcp://")) {
            throw ValidationError("listen: \(endpoint.debugDescription) is not an ipc:// or tcp:// endpoint")
        }

        configuration = WriterConfiguration(endpoints: endpoints, storePath: value(command.db, "db") ?? DaemonCommand.defaultStore)
        configuration.commitEvents = try integer(command.commitEvents, "commit-events", default: 1_000)
        guard configuration.commitEvents <= 10_000 else { throw ValidationError("commit-events: at most 10000") }
        configuration.commitInterval = try duration(command.commitInterval, "commit-interval") ?? .milliseconds(20)
        configuration.maxPendingEvents = try integer(command.maxPendingEvents, "max-pending-events", default: 10_000)
        configuration.retention = try duration(command.retention, "retention")
        // Dead letters are bounded by default; `off` lifts a bound.
        if let text = value(command.deadLetterRetention, "dead-letter-retention") {
            configuration.deadLetterRetention = text == "off" ? nil : try duration(text, "dead-letter-retention")
        }
        if let text = value(command.maxDeadLetterBytes, "max-dead-letter-bytes") {
            guard text == "off" || (Int(text) ?? 0) > 0 else {
                throw ValidationError("max-dead-letter-bytes: expected a whole number > 0 or off, got \(text.debugDescription)")
            }
            configuration.maxDeadLetterBytes = Int(text)
        }
        configuration.maxMessageBytes = try integer(command.maxMessageBytes, "max-message-bytes", default: 64 << 20)
        // An unset inner limit follows a smaller outer one down; set ones must nest (checkLimits).
        configuration.eventLimits.maxEventBytes = try integer(
            command.maxEventBytes, "max-event-bytes",
            default: min(EventSizeLimits.defaultMaxEventBytes, configuration.maxMessageBytes))
        configuration.eventLimits.maxFieldBytes = try integer(
            command.maxFieldBytes, "max-field-bytes",
            default: min(EventSizeLimits.defaultMaxFieldBytes, configuration.eventLimits.maxEventBytes))
        configuration.maxBatchEvents = try integer(command.maxBatchEvents, "max-batch-events", default: 10_000)
        let synchronous = value(command.synchronous, "synchronous") ?? "normal"
        guard let parsedSynchronous = ExecutionStore.Synchronous(rawValue: synchronous.lowercased()) else {
            throw ValidationError(
                "synchronous: \(synchronous.debugDescription) is not one of \(ExecutionStore.Synchronous.allCases.map(\.rawValue))")
        }
        configuration.synchronous = parsedSynchronous
        let level = value(command.logLevel, "log-level") ?? "info"
        guard let parsed = Logger.Level(rawValue: level) else {
            throw ValidationError("log-level: \(level.debugDescription) is not one of \(Logger.Level.allCases.map(\.rawValue))")
        }
        logLevel = parsed
        try checkLimits()
        try resolveSecurity(command: command, value: value)
    }
}

extension Settings {
    /// The byte limits nest: a field within an event within a frame. Otherwise the inner limit
    /// would never apply, or an event past its limit would lose its connection instead of getting
    /// a reason back.
    fileprivate func checkLimits() throws {
        let limits = configuration.eventLimits
        guard limits.maxEventBytes <= configuration.maxMessageBytes else {
            throw ValidationError(
                "max-event-bytes (\(limits.maxEventBytes)) must not be above max-message-bytes (\(configuration.maxMessageBytes))")
        }
        guard limits.maxFieldBytes <= limits.maxEventBytes else {
            throw ValidationError(
                "max-field-bytes (\(limits.maxFieldBytes)) must not be above max-event-bytes (\(limits.maxEventBytes))")
        }
        guard configuration.maxBatchEvents <= 10_000 else { throw ValidationError("max-batch-events: at most 10000") }
    }

    /// CURVE for tcp endpoints, or an explicit `insecure`; the ipc socket's group (docs/SECURITY.md).
    fileprivate mutating func resolveSecurity(command: DaemonCommand, value: (String?, String) -> String?) throws {
        if let path = value(command.curveSecretKeyFile, "curve-secret-key-file") {
            do {
                configuration.curveSecretKey = try CurveKeyFile.readSecretKey(path)
            } catch {
                throw ValidationError("curve-secret-key-file: \(error)")
            }
        }
        configuration.allowedClientKeysFolder = value(command.curveAllowedKeys, "curve-allowed-keys")
        let insecureText = value(command.insecure ? "true" : nil, "insecure") ?? "false"
        switch insecureText.lowercased() {
        case "true", "yes", "1": configuration.insecureTCP = true
        case "false", "no", "0", "": configuration.insecureTCP = false
        default: throw ValidationError("insecure: expected true or false, got \(insecureText.debugDescription)")
        }
        configuration.socketGroup = value(command.socketGroup, "socket-group")
        if configuration.curveSecretKey != nil {
            guard configuration.allowedClientKeysFolder != nil else {
                throw ValidationError("curve-secret-key-file needs curve-allowed-keys, the folder of the clients' public keys")
            }
            guard !configuration.insecureTCP else {
                throw ValidationError("insecure and curve-secret-key-file contradict each other: give one")
            }
        } else if configuration.allowedClientKeysFolder != nil {
            throw ValidationError("curve-allowed-keys needs curve-secret-key-file, the writer's secret key")
        }
        if let plain = configuration.endpoints.first(where: { $0.hasPrefix("tcp://") }),
            configuration.curveSecretKey == nil, !configuration.insecureTCP
        {
            throw ValidationError(
                "listen: \(plain) needs CURVE: give --curve-secret-key-file and --curve-allowed-keys (docs/SECURITY.md), or --insecure to accept anyone, unencrypted")
        }
    }
}

/// `name = value` lines; `#` starts a comment; a name may repeat (`listen`).
struct ConfigFile {
    var values: [String: [String]] = [:]

    init(path: String?) throws {
        guard let path else { return }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read config file \(path)")
        }
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("\(path):\(number + 1): expected `name = value`") }
            values[parts[0].trimmingCharacters(in: .whitespaces), default: []]
                .append(parts[1].trimmingCharacters(in: .whitespaces))
        }
    }
}
