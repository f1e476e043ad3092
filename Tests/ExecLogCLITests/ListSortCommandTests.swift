import ExecLogModel
import ExecLogStore
import Foundation
import Testing

/// `list --sort/--order` and `search --sort`, run as a user would: the order the store gives, paged with
/// `--offset` where there is no cursor, and a cursor refused with another order.
@Suite struct ListSortCommandTests {
    /// The store's own order (tested in ListOrderTests): the CLI must show it.
    static func storeOrder(_ path: String, _ order: ListOrder) throws -> [String] {
        try ExecutionStore(path: path, mode: .readOnly).list(order: order, limit: 10_000).executions.map(\.id)
    }

    @Test("--sort total_tokens pages with --offset, largest first, and the table says how to go on")
    func sortedPages() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let expected = try Self.storeOrder(store.path, ListOrder(.totalTokens))
            var seen: [String] = []
            while seen.count < expected.count {
                let page = try ListedPage(
                    try CLI.succeed(["list", "--db", store.path, "--json", "--sort", "total_tokens", "--limit", "40", "--offset", String(seen.count)]))
                #expect(page.nextCursor == nil)
                guard !page.ids.isEmpty else { break }
                seen += page.ids
            }
            #expect(seen == expected)
            let table = try CLI.succeed(["list", "--db", store.path, "--sort", "total_tokens", "--limit", "10", "--offset", "5"])
            #expect(table.stdout.hasSuffix("More: --offset 15\n"), "\(table.stdout)")
            let ascending = try ListedPage(
                try CLI.succeed(["list", "--db", store.path, "--json", "--sort", "execution_time_ms", "--order", "asc", "--limit", "1000"]))
            #expect(ascending.ids == (try Self.storeOrder(store.path, ListOrder(.executionTimeMs, .asc))))
        }
    }

    @Test("a cursor with another order, or an unknown key, is one line and status 1")
    func badSorts() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let cursor = try #require(try ListedPage(try CLI.succeed(["list", "--db", store.path, "--json", "--limit", "2"])).nextCursor)
            let mixed = try CLI.run(["list", "--db", store.path, "--sort", "cost_nano_usd", "--after", cursor])
            #expect(mixed.status == 1)
            #expect(mixed.stderr.contains("a cursor pages the time order only"), "\(mixed.stderr)")
            let unknown = try CLI.run(["search", "hello", "--db", store.path, "--sort", "cost"])
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("cost"), "\(unknown.stderr)")
        }
    }
}
