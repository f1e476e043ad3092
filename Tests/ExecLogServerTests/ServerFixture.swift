import ExecLogModel
import ExecLogServer
import ExecLogSimulation
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A store of seeded executions in a temp folder, and servers over it.
struct ServerFixture: Sendable {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    let folder: TemporaryFolder
    let path: String
    /// Oldest first, one every 7 minutes from `start`: 300 of them span about a day and a half.
    let executions: [Execution]

    init(count: Int = 300, seed: UInt64 = 11) throws {
        folder = try TemporaryFolder()
        path = folder.path("s.db")
        var options = ExecutionGenerator.Options()
        options.errorRatio = 0.15
        options.payloadBytes = 200
        var generator = ExecutionGenerator(seed: seed, options: options)
        executions = (0..<count).map { generator.next(createdAt: Self.start.addingTimeInterval(Double($0) * 420)) }
        try ExecutionStore(path: path, mode: .create).insert(executions)
    }

    func server(adminToken: String? = nil) throws -> DashboardServer {
        DashboardServer(
            store: try StoreAccess(path: path),
            configuration: .init(host: "127.0.0.1", port: 0, adminToken: adminToken.flatMap(AdminToken.init)))
    }

    /// Runs `test` against the router alone, or against a live server on a free port.
    func withClient<Value: Sendable>(
        _ setup: TestingSetup = .router, adminToken: String? = nil,
        _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await server(adminToken: adminToken).application().test(setup, test)
    }

    /// The executions matching `filter`, newest first, computed without SQL.
    func expected(_ filter: ExecutionFilter) -> [Execution] {
        executions.filter { execution in
            (filter.usageType.map { execution.usageType == $0 } ?? true)
                && (filter.provider.map { execution.provider == $0 } ?? true)
                && (filter.modelName.map { execution.modelName == $0 } ?? true)
                && (filter.status.map { ($0 == .error) == execution.isError } ?? true)
                && (filter.from.map { execution.createdAt >= $0 } ?? true)
                && (filter.to.map { execution.createdAt < $0 } ?? true)
        }.sorted { ($0.createdAt, $0.idString) > ($1.createdAt, $1.idString) }
    }

    /// The store's own answers, for comparison (synchronous: the store blocks).
    func storeStats(_ filter: ExecutionFilter = ExecutionFilter()) throws -> ExecutionStats {
        try ExecutionStore(path: path, mode: .readOnly).stats(filter)
    }

    func storeCount() throws -> Int {
        try ExecutionStore(path: path, mode: .readOnly).count()
    }
}

/// A decoded JSON body, and the checks the tests make on it.
struct JSONBody: @unchecked Sendable {
    let value: Any

    init(_ response: TestResponse) throws {
        value = try JSONSerialization.jsonObject(with: Data(buffer: response.body), options: [.fragmentsAllowed])
    }

    var object: [String: Any] { value as? [String: Any] ?? [:] }
    subscript(key: String) -> Any? { object[key] }
    func int(_ key: String) -> Int? { object[key] as? Int }
    func string(_ key: String) -> String? { object[key] as? String }
    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    var itemIDs: [String] { items.compactMap { $0["id"] as? String } }
}

extension Data {
    init(buffer: ByteBuffer) {
        self.init(buffer.readableBytesView)
    }
}
