import ArgumentParser
import ExecLogCLI
import ExecLogServer
import ExecLogWire
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard page and the REST API over the store.",
        discussion: """
            Reads the store read-only; only the two DELETE endpoints write, and only with an admin token
            (--admin-token, else EXECLOG_ADMIN_TOKEN; without one they answer 403). Stops on SIGTERM or SIGINT
            after the requests in progress. Logs to stderr at --log-level, else EXECLOG_LOG_LEVEL, else warning.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The address to listen on. Anything but loopback exposes every prompt.", valueName: "address"))
    var bind: String = "127.0.0.1"

    // Read in run(), like every value of `execlog`: a bad one is one line and status 1 (docs/CLI.md).
    @Option(parsing: .unconditional, help: ArgumentHelp("The TCP port; 0 picks a free one.", valueName: "port"))
    var port: String = "8000"

    @Option(
        name: .customLong("allowed-host"),
        help: ArgumentHelp(
            "A name the page is reached by besides loopback, IP addresses and --bind (a reverse proxy's, this host's); repeat for more. Other Host headers get 421: no DNS rebinding. '*' turns the check off.",
            valueName: "name"))
    var allowedHosts: [String] = []

    @Option(help: ArgumentHelp("trace, debug, info, notice, warning, error or critical. Default: EXECLOG_LOG_LEVEL, else warning.", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp(
        "Enables the DELETE endpoints for requests with Authorization: Bearer TOKEN. Prefer EXECLOG_ADMIN_TOKEN: arguments show in ps.",
        valueName: "token"))
    var adminToken: String?

    func run() async throws {
        guard let port = Int(port), (0...65_535).contains(port) else {
            throw CLIError("invalid --port \(port.debugDescription): expected a whole number from 0 to 65535")
        }
        guard !bind.isEmpty else { throw CLIError("invalid --bind \"\": expected an address such as 127.0.0.1") }
        // Names are compared whole: a pattern such as *.example.com would never match, so it is refused.
        for name in allowedHosts where name != "*" && (name.isEmpty || name.contains(where: { $0.isWhitespace || "/@?#*".contains($0) })) {
            throw CLIError("invalid --allowed-host \(name.debugDescription): expected a host name such as execlog.example.com, or '*' for any")
        }
        let environment = ProcessInfo.processInfo.environment
        let token = (adminToken ?? environment["EXECLOG_ADMIN_TOKEN"]).flatMap(AdminToken.init)
        var logger = DashboardServer.defaultLogger
        if let level = logLevel ?? environment["EXECLOG_LOG_LEVEL"].flatMap({ $0.isEmpty ? nil : $0 }) {
            do {
                logger.logLevel = try LogLevelText.parse(level)
            } catch {
                throw CLIError("log-level: \(error)")
            }
        }
        let access = try await StoreAccess.open(path: store.path)
        let server = DashboardServer(
            store: access, configuration: .init(host: bind, port: port, adminToken: token, allowedHosts: allowedHosts),
            logger: logger)
        let storePath = store.path
        let bind = bind
        let isLoopback = HostAllowList.loopbackNames.contains(HostAllowList.bareHost(bind))
        do {
            try await server.run { address in
                // Tests start the server on port 0 and read this line to learn the port.
                let line = "execlog serve: listening on http://\(address) (store \(storePath), deleting \(token == nil ? "disabled" : "enabled"))\n"
                FileHandle.standardOutput.write(Data(line.utf8))
                if !isLoopback {
                    FileHandle.standardError.write(
                        Data("execlog: warning: listening on \(address): anyone who can reach it can read every prompt\n".utf8))
                }
            }
        } catch {
            // NIO's errors (a port in use, an address that does not resolve) are one line already.
            throw CLIError("cannot serve on \(bind) port \(port): \(error)", kind: .unavailable)
        }
    }
}
