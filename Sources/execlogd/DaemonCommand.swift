import ArgumentParser
import ExecLogCLI
import ExecLogWriter
import Foundation
import Logging

@main
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execlogd",
        abstract: "The execlog writer: receives AI executions over ZeroMQ and commits them to the SQLite store.",
        discussion: """
            Each setting comes from its flag, else its environment variable, else the config file
            (--config or EXECLOGD_CONFIG: one `name = value` per line, names as the flags without dashes,
            `listen` repeatable, # for comments), else its default. SIGTERM or SIGINT: stop reading, commit
            and acknowledge what was received, exit 0. SIGHUP: read the allowed client keys folder again.

            A tcp endpoint uses CURVE (encrypted, clients authenticated by key; docs/SECURITY.md): give
            --curve-secret-key-file and --curve-allowed-keys, or --insecure for plain tcp.

            Environment: EXECLOGD_LISTEN (comma-separated), EXECLOGD_DB, EXECLOGD_COMMIT_EVENTS,
            EXECLOGD_COMMIT_INTERVAL, EXECLOGD_MAX_PENDING_EVENTS, EXECLOGD_RETENTION,
            EXECLOGD_DEAD_LETTER_RETENTION, EXECLOGD_MAX_DEAD_LETTER_BYTES,
            EXECLOGD_MAX_MESSAGE_BYTES, EXECLOGD_SYNCHRONOUS, EXECLOGD_LOG_LEVEL, EXECLOGD_CONFIG,
            EXECLOGD_CURVE_SECRET_KEY_FILE, EXECLOGD_CURVE_ALLOWED_KEYS, EXECLOGD_INSECURE, EXECLOGD_SOCKET_GROUP.
            """
    )

    static let defaultEndpoint = "ipc:///run/execlog/execlog.sock"
    static let defaultStore = "/var/lib/execlog/execlog.db"

    @Option(help: ArgumentHelp("Endpoint to bind, ipc://PATH or tcp://HOST:PORT; repeatable. Default: \(defaultEndpoint).", valueName: "endpoint"))
    var listen: [String] = []

    @Option(help: ArgumentHelp("The store file, created when missing. Default: \(defaultStore).", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("Commit once this many events wait. Default: 1000.", valueName: "n"))
    var commitEvents: Int?

    @Option(help: ArgumentHelp("…or once the oldest has waited this long. Default: 20ms.", valueName: "duration"))
    var commitInterval: String?

    @Option(help: ArgumentHelp("Stop reading while this many events await their commit. Default: 10000.", valueName: "n"))
    var maxPendingEvents: Int?

    @Option(help: ArgumentHelp("Delete executions older than this (e.g. 90d). Default: keep everything.", valueName: "duration"))
    var retention: String?

    @Option(help: ArgumentHelp("Delete dead letters (rejected events) received longer ago than this, or off. Default: 30d.", valueName: "duration"))
    var deadLetterRetention: String?

    @Option(help: ArgumentHelp("Past this many bytes of dead letters (payloads and reasons), the oldest go first; off for no cap. Default: 268435456 (256 MiB).", valueName: "bytes"))
    var maxDeadLetterBytes: String?

    @Option(help: ArgumentHelp("Largest frame (one event) accepted, in bytes: a bigger one drops its sender's connection, unanswered. Above --max-event-bytes. Default: 67108864.", valueName: "bytes"))
    var maxMessageBytes: Int?

    @Option(help: ArgumentHelp("Largest event, in bytes: a bigger one is rejected with its reason and kept as a dead letter. Default: 33554432.", valueName: "bytes"))
    var maxEventBytes: Int?

    @Option(help: ArgumentHelp("Largest content field (system_prompt, response_content, error_message, input_messages, execution_metadata), in bytes: an event with a bigger one is rejected and dead-lettered. Default: 16777216.", valueName: "bytes"))
    var maxFieldBytes: Int?

    @Option(help: ArgumentHelp("Most events in one batch, 1 to 10000: a bigger batch gets an error reply. Default: 10000.", valueName: "count"))
    var maxBatchEvents: Int?

    @Option(help: ArgumentHelp("SQLite synchronous: normal (a power loss may lose the last acked commits) or full (an fsync per commit; acked commits survive a power loss). Default: normal.", valueName: "level"))
    var synchronous: String?

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical. Default: info.", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("The writer's CURVE secret key (execlog keygen's NAME.secret, mode 0600): tcp endpoints use CURVE.", valueName: "path"))
    var curveSecretKeyFile: String?

    @Option(help: ArgumentHelp("Folder of the allowed clients' public keys, one NAME.key file each; re-read on SIGHUP.", valueName: "folder"))
    var curveAllowedKeys: String?

    @Flag(help: "Allow tcp endpoints without CURVE: unencrypted, and anyone who reaches the port can write.")
    var insecure = false

    @Option(help: ArgumentHelp("Group of the ipc socket (and of its folder when execlogd creates it). Default: execlogd's own.", valueName: "name"))
    var socketGroup: String?

    @Option(help: ArgumentHelp("A config file (see above).", valueName: "path"))
    var config: String?

    func run() throws {
        let settings = try Settings(command: self)
        var logger = Logger(label: "execlogd")
        logger.logLevel = settings.logLevel
        let writer = try Writer(configuration: settings.configuration, logger: logger)

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
        reload.setEventHandler { writer.reloadAllowedClientKeys() }
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
