import ArgumentParser
import ExecLogArguments
import ExecLogModel
import ExecLogStore
import ExecLogWire
import ExecLogWriter
import Foundation
import Logging

@main
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execlogd",
        abstract: "The execlog writer: receives AI executions over ZeroMQ and commits them to the SQLite store.",
        // One line per paragraph: ArgumentParser wraps them to the terminal.
        discussion: """
            Each setting comes from its flag, else its environment variable, else the config file (--config or EXECLOGD_CONFIG: one `name = value` per line, names as the flags without dashes, `listen` repeatable, # for comments), else its default. SIGTERM or SIGINT: stop reading, commit and acknowledge what was received, exit 0. SIGHUP: read the allowed client keys folder and the price file again.

            A tcp endpoint uses CURVE (encrypted, clients authenticated by key; docs/SECURITY.md): give --curve-secret-key-file and --curve-allowed-keys, or --insecure for plain tcp.

            Durations are a number and a unit: 250ms, 45s, 90m, 12h, 30d, 2w.

            Environment: \(WriterSettings.names.map(WriterSettings.environmentKey).joined(separator: ", ")), EXECLOGD_CONFIG. EXECLOGD_LISTEN is comma-separated.
            """
    )

    private static let defaults = WriterSettings.defaults

    @Option(help: ArgumentHelp("Endpoint to bind, ipc://PATH or tcp://HOST:PORT; repeatable. Default: \(WireEndpoint.defaultEndpoint).", valueName: "endpoint"))
    var listen: [String] = []

    @Option(help: ArgumentHelp("The store file, created when missing. Default: \(WriterSettings.defaultStorePath).", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("Commit once this many events wait. Default: \(defaults.commitEvents).", valueName: "n"))
    var commitEvents: Int?

    @Option(help: ArgumentHelp("…or once the oldest has waited this long. Default: \(DurationText.format(defaults.commitInterval)).", valueName: "duration"), transform: DurationArgument.parse)
    var commitInterval: DurationArgument?

    @Option(help: ArgumentHelp("Stop reading while this many events await their commit. Default: \(defaults.maxPendingEvents).", valueName: "n"))
    var maxPendingEvents: Int?

    @Option(help: ArgumentHelp("Delete executions older than this (e.g. 90d). Default: keep everything.", valueName: "duration"), transform: DurationArgument.parse)
    var retention: DurationArgument?

    @Option(help: ArgumentHelp("Delete dead letters (rejected events) received longer ago than this, or off. Default: \(defaults.deadLetterRetention.map(DurationText.format) ?? "off").", valueName: "duration"))
    var deadLetterRetention: String?

    @Option(help: ArgumentHelp("Past this many bytes of dead letters (payloads and reasons), the oldest go first; off for no cap. Default: \(defaults.maxDeadLetterBytes.map(String.init) ?? "off").", valueName: "bytes"))
    var maxDeadLetterBytes: String?

    @Option(help: ArgumentHelp("Largest frame (one event) accepted, in bytes: a bigger one drops its sender's connection, unanswered. Above --max-event-bytes. Default: \(defaults.maxMessageBytes).", valueName: "bytes"))
    var maxMessageBytes: Int?

    @Option(help: ArgumentHelp("Largest event, in bytes: a bigger one is rejected with its reason and kept as a dead letter. Default: \(defaults.eventLimits.maxEventBytes).", valueName: "bytes"))
    var maxEventBytes: Int?

    @Option(help: ArgumentHelp("Largest content field (system_prompt, response_content, error_message, input_messages, execution_metadata), in bytes: an event with a bigger one is rejected and dead-lettered. Default: \(defaults.eventLimits.maxFieldBytes).", valueName: "bytes"))
    var maxFieldBytes: Int?

    @Option(help: ArgumentHelp("Most events in one batch, 1 to \(WireProtocol.eventsPerBatch.upperBound): a bigger batch gets an error reply. Default: \(defaults.maxBatchEvents).", valueName: "count"))
    var maxBatchEvents: Int?

    @Option(help: ArgumentHelp("SQLite synchronous: normal (a power loss may lose the last acked commits) or full (an fsync per commit; acked commits survive a power loss). Default: \(defaults.synchronous.rawValue).", valueName: "level"))
    var synchronous: String?

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical. Default: \(WriterSettings.defaultLogLevel.rawValue).", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("The writer's CURVE secret key (execlog keygen's NAME.secret, mode 0600): tcp endpoints use CURVE.", valueName: "path"))
    var curveSecretKeyFile: String?

    @Option(help: ArgumentHelp("Folder of the allowed clients' public keys, one NAME.key file each; re-read on SIGHUP.", valueName: "folder"))
    var curveAllowedKeys: String?

    @Flag(help: "Allow tcp endpoints without CURVE: unencrypted, and anyone who reaches the port can write.")
    var insecure = false

    @Option(help: ArgumentHelp("Group of the ipc socket (and of its folder when execlogd creates it). Default: execlogd's own.", valueName: "name"))
    var socketGroup: String?

    @Flag(help: "Keep no full-text search index: ingestion is faster (docs/PERFORMANCE.md) and `execlog search` refuses. Drops an existing index.")
    var noSearchIndex = false

    @Option(help: ArgumentHelp("A price file of your own prices (TOML, docs/COST.md), over the bundled ones; re-read on SIGHUP. Default: EXECLOG_PRICES, else /etc/execlog/prices.toml when it exists.", valueName: "path"))
    var prices: String?

    @Option(help: ArgumentHelp("A config file (see above).", valueName: "path"))
    var config: String?

    func run() throws {
        let settings: WriterSettings
        do {
            settings = try WriterSettings(flags: flags, environment: ProcessInfo.processInfo.environment)
        } catch {
            // Printed as "Error: …" with a usage hint, exit status 64: nothing was started.
            throw ValidationError(error.description)
        }
        var logger = Logger(label: "execlogd")
        logger.logLevel = settings.logLevel
        let writer = try Self.writer(settings.configuration, logger: logger)

        // Signals arrive on a dispatch queue, never in an async-signal context: stop() just sets a flag.
        let signalQueue = DispatchQueue(label: "execlogd.signals")
        let sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signalQueue)
            source.setEventHandler {
                logger.info("signal received, draining", metadata: ["signal": "\(number)"])
                writer.stop()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        // SIGHUP (`systemctl reload`) re-reads the allow-list; a hangup must never end the daemon.
        signal(SIGHUP, SIG_IGN)
        let reload = DispatchSource.makeSignalSource(signal: SIGHUP, queue: signalQueue)
        reload.setEventHandler {
            writer.reloadAllowedClientKeys()
            writer.reloadPrices()
        }
        reload.resume()
        defer { reload.cancel() }
        do {
            try writer.run()
        } catch {
            FileHandle.standardError.write(Data("execlogd: \(error)\n".utf8))
            Foundation.exit(1)
        }
    }
}

extension DaemonCommand {
    /// The writer; a configuration it refuses (a bad price file, say) is like a bad setting: "Error: …",
    /// status 64, nothing started.
    static func writer(_ configuration: WriterConfiguration, logger: Logger) throws -> Writer {
        let result = Result { () throws(WriterError) -> Writer in try Writer(configuration: configuration, logger: logger) }
        switch result {
        case .success(let writer): return writer
        case .failure(let error) where error.kind == .configuration: throw ValidationError(error.description)
        case .failure(let error): throw error
        }
    }

    /// The flags as the writer library's settings take them.
    var flags: WriterSettings.Flags {
        var flags = WriterSettings.Flags()
        flags.listen = listen
        flags.db = db
        flags.commitEvents = commitEvents
        flags.commitInterval = commitInterval?.duration
        flags.maxPendingEvents = maxPendingEvents
        flags.retention = retention?.duration
        flags.deadLetterRetention = deadLetterRetention
        flags.maxDeadLetterBytes = maxDeadLetterBytes
        flags.maxMessageBytes = maxMessageBytes
        flags.maxEventBytes = maxEventBytes
        flags.maxFieldBytes = maxFieldBytes
        flags.maxBatchEvents = maxBatchEvents
        flags.synchronous = synchronous
        flags.logLevel = logLevel
        flags.curveSecretKeyFile = curveSecretKeyFile
        flags.curveAllowedKeys = curveAllowedKeys
        flags.insecure = insecure
        flags.socketGroup = socketGroup
        flags.noSearchIndex = noSearchIndex
        flags.prices = prices
        flags.config = config
        return flags
    }
}
