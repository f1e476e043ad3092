import ExecLogModel
import ExecLogStore
import ExecLogTestSupport
import GRDB
import Foundation
import Testing

/// Lists sorted by tokens, duration or cost (offset paging) and by time both ways (cursor paging).
@Suite struct ListOrderTests {
    let folder: TemporaryFolder
    let store: ExecutionStore
    /// Every stored summary: the values each order sorts by, as the store has them.
    let all: [ExecutionSummary]

    init() throws {
        folder = try TemporaryFolder()
        store = try ExecutionStore(path: folder.path("s.db"), mode: .create)
        // Errors without usage and an unknown model leave tokens, durations and costs missing on some rows.
        var executions = Fixtures.executions(400, errorRatio: 0.2)
        for index in stride(from: 0, to: executions.count, by: 7) {
            executions[index].executionTimeMs = nil
            executions[index].modelName = "unpriced-model"
            (executions[index].inputTokens, executions[index].outputTokens, executions[index].totalTokens) = (nil, nil, nil)
        }
        try store.insert(executions)
        // Input and output but no total (the writer fills it in; an older store or the sqlite3 shell may not):
        // sorted by their sum.
        try DatabaseQueue(path: folder.path("s.db")).write { db in
            try db.execute(sql: """
                UPDATE ai_executions SET total_tokens = NULL
                WHERE rowid % 11 = 3 AND input_tokens IS NOT NULL AND output_tokens IS NOT NULL
                """)
        }
        all = try store.list(limit: 1_000).executions
    }

    static let orders: [ListOrder] = ListOrder.Key.allCases.flatMap { key in
        ListOrder.Direction.allCases.map { ListOrder(key, $0) }
    }

    static func value(_ summary: ExecutionSummary, _ key: ListOrder.Key) -> Int? {
        switch key {
        case .createdAt: nil
        case .totalTokens:
            summary.totalTokens ?? summary.inputTokens.flatMap { i in summary.outputTokens.map { i + $0 } }
                ?? summary.inputTokens ?? summary.outputTokens
        case .executionTimeMs: summary.executionTimeMs
        case .costNanoUSD: summary.costNanoUSD
        }
    }

    /// The order computed here: by value (missing last), then time, then id, all in the order's direction.
    func expected(_ order: ListOrder, _ filter: (ExecutionSummary) -> Bool = { _ in true }) -> [String] {
        let descending = order.direction == .desc
        return all.filter(filter).sorted { a, b in
            let (x, y) = (Self.value(a, order.key), Self.value(b, order.key))
            if order.key != .createdAt, x != y {
                guard let x else { return false }
                guard let y else { return true }
                return descending ? x > y : x < y
            }
            return descending ? (a.createdAt, a.id) > (b.createdAt, b.id) : (a.createdAt, a.id) < (b.createdAt, b.id)
        }.map(\.id)
    }

    @Test func theFixtureHasRowsWithATotalOnlyInItsParts() {
        #expect(all.contains { $0.totalTokens == nil && $0.inputTokens != nil && $0.outputTokens != nil })
    }

    @Test func theFixtureHasMissingValuesForEveryKey() {
        for key in ListOrder.Key.allCases where key != .createdAt {
            #expect(all.contains { Self.value($0, key) == nil }, "\(key)")
            #expect(all.contains { Self.value($0, key) != nil }, "\(key)")
        }
    }

    @Test(arguments: orders)
    func pagesWalkEveryRowOnceInTheOrder(_ order: ListOrder) throws {
        var seen: [String] = []
        var cursor: ListCursor?
        while true {
            let page = try store.list(
                order: order, limit: 37, offset: order.pagesByCursor ? 0 : seen.count, after: cursor)
            seen += page.executions.map(\.id)
            #expect((page.nextCursor != nil) == (page.hasMore && order.pagesByCursor))
            guard page.hasMore else { break }
            cursor = page.nextCursor
        }
        #expect(seen == expected(order))
    }

    @Test(arguments: orders)
    func aFilteredListIsSortedToo(_ order: ListOrder) throws {
        let page = try store.list(ExecutionFilter(status: .error), order: order, limit: 1_000)
        #expect(page.executions.map(\.id) == expected(order) { $0.isError })
        #expect(!page.executions.isEmpty)
    }

    @Test func aCursorWithAnotherOrderIsRefused() throws {
        let cursor = try #require(store.list(limit: 5).nextCursor)
        #expect(throws: StoreError.cursorNeedsTimeOrder) {
            try store.list(order: ListOrder(.totalTokens), limit: 5, after: cursor)
        }
    }

    @Test func timeOrderStillSeeksTheIndex() throws {
        for direction in ListOrder.Direction.allCases {
            let plan = try store.listQueryPlan(ExecutionFilter(), order: ListOrder(.createdAt, direction))
                .joined(separator: "\n")
            // Ties of created_at are sorted by id (a "right part"), the rows never all at once.
            #expect(plan.contains("USING INDEX ai_executions_created_at"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE FOR ORDER BY"), "\(plan)")
        }
    }
}
