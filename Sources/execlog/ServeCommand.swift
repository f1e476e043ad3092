import ArgumentParser
import ExecLogCLI
import ExecLogServer
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard page and the REST API over the store.",
        discussion: """
            Reads the store read-only; only the two DELETE endpoints write, and only with an admin token
            (--admin-token, else EXECLOG_ADMIN_TOKEN; without one they answer 403). Stops on SIGTERM or SIGINT
            after the requests in progress.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The address to listen on. Anything but loopback exposes every prompt.", valueName: "address"))
    var bind: String = "127.0.0.1"

    @Option(parsing: .unconditional, help: ArgumentHelp("The TCP port; 0 picks a free one.", valueName: "port"))
    var port: String = "8000"

    @Option(help: ArgumentHelp(
        "Enables the DELETE endpoints for requests with Authorization: Bearer TOKEN. Prefer EXECLOG_ADMIN_TOKEN: arguments show in ps.",
        valueName: "token"))
    var adminToken: String?

    func run() throws {
        guard let port = Int(port), (0...65_535).contains(port) else {
            throw CLIError("invalid --port \(port.debugDescription): expected a whole number from 0 to 65535")
        }
        guard !bind.isEmpty else { throw CLIError("invalid --bind \"\": expected an address such as 127.0.0.1") }
        let token = (adminToken ?? ProcessInfo.processInfo.environment["EXECLOG_ADMIN_TOKEN"]).flatMap(AdminToken.init)
        let access = try StoreAccess(path: store.path)
        let server = DashboardServer(
            store: access, configuration: .init(host: bind, port: port, adminToken: token))
        let storePath = store.path
        let isLoopback = ["127.0.0.1", "::1", "localhost"].contains(bind)
        let failure = Self.waitFor {
            try await server.run { address in
                // Tests start the server on port 0 and read this line to learn the port.
                let line = "execlog serve: listening on http://\(address) (store \(storePath), deleting \(token == nil ? "disabled" : "enabled"))\n"
                FileHandle.standardOutput.write(Data(line.utf8))
                if !isLoopback {
                    FileHandle.standardError.write(
                        Data("execlog: warning: listening on \(address): anyone who can reach it can read every prompt\n".utf8))
                }
            }
        }
        // NIO's errors (a port in use, an address that does not resolve) are one line already.
        if let failure { throw CLIError("cannot serve on \(bind) port \(port): \(failure)") }
    }

    /// Runs the server from this synchronous entry point and blocks until it stops. The main thread is not
    /// one of the concurrency pool's, so waiting on it starves nothing.
    private static func waitFor(_ body: @escaping @Sendable () async throws -> Void) -> (any Error)? {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        Task {
            do { try await body() } catch { failure = error }
            done.signal()
        }
        done.wait()
        return failure
    }
}
