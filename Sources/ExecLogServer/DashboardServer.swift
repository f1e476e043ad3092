import ExecLogStore
import Foundation
import Hummingbird
import Logging

/// `execlog serve`: the REST API and the dashboard page over one store, on Hummingbird.
public struct DashboardServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var adminToken: AdminToken?
        /// Names the server answers to besides loopback, IP addresses and `host` (`--allowed-host`).
        public var allowedHosts: [String]

        public init(host: String = "127.0.0.1", port: Int = 8000, adminToken: AdminToken? = nil, allowedHosts: [String] = []) {
            self.host = host
            self.port = port
            self.adminToken = adminToken
            self.allowedHosts = allowedHosts
        }

        public var hostAllowList: HostAllowList { HostAllowList(bindHost: host, allowed: allowedHosts) }
    }

    public let store: StoreAccess
    public let configuration: Configuration
    /// Hummingbird's and the server's own lines; `execlog serve` sets its level from `--log-level`
    /// or `EXECLOG_LOG_LEVEL` (default `warning`).
    public let logger: Logger

    public init(store: StoreAccess, configuration: Configuration, logger: Logger = Self.defaultLogger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    public static var defaultLogger: Logger {
        var logger = Logger(label: "execlog-serve")
        logger.logLevel = .warning
        return logger
    }

    /// Every route: the API, the page and its assets; HEAD, OPTIONS and 405 for each (`RouteTable`).
    public func router() -> Router<BasicRequestContext> {
        let router = Router(options: .autoGenerateHeadEndpoints)
        // Outermost first: the headers go on every answer, the host is checked before anything runs.
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: HostCheckMiddleware(allowList: configuration.hostAllowList))
        router.add(middleware: JSONErrorMiddleware())
        var routes = RouteTable(router: router)
        ExecutionRoutes(store: store, adminToken: configuration.adminToken).register(on: &routes)
        DashboardAssets().register(on: &routes)
        routes.finish()
        return router
    }

    /// The application, ready to run; `onListening` gets the bound address (`127.0.0.1:54321`) once
    /// the socket listens, which with port 0 is the only way to learn the port.
    public func application(onListening: @escaping @Sendable (String) -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            server: .http1(configuration: .init(additionalChannelHandlers: [RequestParseErrorHandler()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "execlog"),
            onServerRunning: { channel in
                guard let address = channel.localAddress else { return }
                let host = address.ipAddress.map { address.protocol == .inet6 ? "[\($0)]" : $0 } ?? configuration.host
                onListening("\(host):\(address.port ?? configuration.port)")
            },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then finishes the requests in progress and returns.
    public func run(onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        try await application(onListening: onListening).runService()
    }
}
