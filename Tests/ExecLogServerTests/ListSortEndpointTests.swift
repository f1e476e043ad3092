import ExecLogModel
import ExecLogStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `sort` and `order` on the list: every key both ways, offset paging where there is no cursor.
@Suite struct ListSortEndpointTests {
    let fixture: ServerFixture

    init() throws { fixture = try ServerFixture() }

    /// The store's own sorted list (its order is tested in ListOrderTests): the API must page through it.
    func storeOrder(_ order: ListOrder, _ filter: ExecutionFilter = ExecutionFilter()) throws -> [String] {
        try ExecutionStore(path: fixture.path, mode: .readOnly).list(filter, order: order, limit: 10_000).executions.map(\.id)
    }

    @Test(arguments: ListOrder.Key.allCases.filter { $0 != .createdAt }, ListOrder.Direction.allCases)
    func sortedListsPageBySkip(_ key: ListOrder.Key, _ direction: ListOrder.Direction) async throws {
        let expected = try storeOrder(ListOrder(key, direction), ExecutionFilter(status: .ok))
        try await fixture.withClient { client in
            var ids: [String] = []
            while true {
                let uri = "/api/v1/ai-executions?has_error=false&sort=\(key.rawValue)&order=\(direction.rawValue)&limit=40&skip=\(ids.count)"
                let body = try JSONBody(try await client.execute(uri: uri, method: .get))
                #expect(body["next_cursor"] is NSNull, "sorted lists have no cursor")
                ids += body.itemIDs
                guard body["has_more"] as? Bool == true else { break }
            }
            #expect(ids == expected)
            #expect(ids.count == fixture.expected(ExecutionFilter(status: .ok)).count)
        }
        // Largest first by default: the values never rise (missing ones last).
        if direction == .desc {
            let values = try sortedValues(key)
            #expect(values == values.sorted(by: >))
        }
    }

    func sortedValues(_ key: ListOrder.Key) throws -> [Int] {
        try ExecutionStore(path: fixture.path, mode: .readOnly)
            .list(ExecutionFilter(status: .ok), order: ListOrder(key), limit: 10_000).executions
            .compactMap { summary -> Int? in
                switch key {
                case .totalTokens: summary.totalTokens
                case .executionTimeMs: summary.executionTimeMs
                case .costNanoUSD: summary.costNanoUSD
                case .createdAt: nil
                }
            }
    }

    @Test func oldestFirstPagesByCursor() async throws {
        let expected = fixture.expected(ExecutionFilter()).map(\.idString).reversed()
        try await fixture.withClient { client in
            var ids: [String] = []
            var cursor: String?
            repeat {
                let uri = "/api/v1/ai-executions?order=asc&limit=70" + (cursor.map { "&cursor=\($0)" } ?? "")
                let body = try JSONBody(try await client.execute(uri: uri, method: .get))
                ids += body.itemIDs
                cursor = body.string("next_cursor")
                #expect((cursor != nil) == (body["has_more"] as? Bool == true))
            } while cursor != nil
            #expect(ids == Array(expected))
        }
    }

    @Test(arguments: [
        ("sort=tokens", "sort"), ("order=up", "order"),
        ("sort=total_tokens&cursor=MjAyNi0wOS0yMlQxMDowMDowMC4wMDBaIDAxOTkwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA", "cursor"),
    ])
    func badSortsAreRefusedNamingTheParameter(_ query: String, _ parameter: String) async throws {
        try await fixture.withClient { client in
            let response = try await client.execute(uri: "/api/v1/ai-executions?\(query)", method: .get)
            #expect(response.status == .badRequest)
            let body = try JSONBody(response)
            #expect(body.string("parameter") == parameter, "\(body.object)")
            #expect(body.string("error")?.contains("\n") == false)
        }
    }
}
