import ExecLogModel
import ExecLogStore
import Foundation
import Testing

@Suite("execlog delete and prune")
struct WriteCommandTests {
    @Test("delete ID removes exactly that row")
    func deleteID() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let before = try store.storedIDs()
            #expect(before.count == store.executions.count)
            let victim = store.expected()[42].idString
            let result = try CLI.succeed(["delete", "--db", store.path, victim])
            #expect(result.stdout == "Deleted execution \(victim).\n")
            #expect(try store.storedIDs() == before.subtracting([victim]))
            // A second delete of the same id finds nothing and changes nothing.
            try CLI.fail(["delete", "--db", store.path, victim], messageContains: "no execution with id \(victim)")
            #expect(try store.storedIDs() == before.subtracting([victim]))
        }
    }

    @Test("delete PREFIX removes the one execution with that prefix")
    func deletePrefix() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let before = try store.storedIDs()
            let victim = SeededStore.nastyErrorID.uuidString.lowercased()
            let result = try CLI.succeed(["delete", "--db", store.path, "BBBBBBBB"])
            #expect(result.stdout == "Deleted execution \(victim).\n")
            #expect(try store.storedIDs() == before.subtracting([victim]))
        }
    }

    @Test("prune --older-than 10d --yes deletes exactly the rows older than the cutoff and says how many")
    func prune() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let cutoff = store.now.addingTimeInterval(-10 * 86_400)
            // No row is within minutes of the cutoff, so the seconds between seeding and pruning do not matter.
            #expect(store.executions.allSatisfy { abs($0.createdAt.timeIntervalSince(cutoff)) > 600 })
            let old = store.executions.filter { $0.createdAt < cutoff }.map(\.idString)
            #expect(old.count > 100 && old.count < store.executions.count - 100)
            let result = try CLI.succeed(["prune", "--db", store.path, "--older-than", "10d", "--yes"])
            #expect(result.stdout == "Deleted \(old.count) executions older than 10d.\n")
            #expect(try store.storedIDs() == Set(store.executions.map(\.idString)).subtracting(old))

            let again = try CLI.succeed(["prune", "--db", store.path, "--older-than", "10d", "--yes"])
            #expect(again.stdout == "Deleted 0 executions older than 10d.\n")
        }
    }

    @Test("prune without --yes and stdin not a terminal: no prompt, it deletes")
    func pruneWithoutTerminal() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let cutoff = store.now.addingTimeInterval(-3 * 86_400)
            let old = store.executions.filter { $0.createdAt < cutoff }.map(\.idString)
            #expect(!old.isEmpty)
            let result = try CLI.succeed(["prune", "--db", store.path, "--older-than", "72h"])
            #expect(result.stdout == "Deleted \(old.count) executions older than 72h.\n")
            #expect(!result.stdout.contains("[y/N]"))
            #expect(try store.storedIDs() == Set(store.executions.map(\.idString)).subtracting(old))
        }
    }

    @Test("prune with nothing that old deletes nothing")
    func pruneNothing() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let before = try store.storedIDs()
            let result = try CLI.succeed(["prune", "--db", store.path, "--older-than", "52w", "-y"])
            #expect(result.stdout == "Deleted 0 executions older than 52w.\n")
            #expect(try store.storedIDs() == before)
        }
    }
}

@Suite("--db and EXECLOG_DB")
struct StoreLocationTests {
    /// Two stores of different sizes, told apart by their totals.
    func withTwoStores(_ body: (SeededStore, SeededStore) throws -> Void) throws {
        try withTemporaryFolder { folder in
            let big = try SeededStore.make(in: folder, name: "big.db", count: 20)
            let small = try SeededStore.make(in: folder, name: "small.db", count: 4, seed: 9)
            try body(big, small)
        }
    }

    func total(_ result: CLIResult) throws -> Int? { try jsonObject(result.stdout)["total_executions"] as? Int }

    @Test("EXECLOG_DB names the store when --db is not given")
    func environment() throws {
        try withTwoStores { big, small in
            let environment = ["EXECLOG_DB": small.path]
            #expect(try total(try CLI.succeed(["stats", "--json"], environment: environment)) == 8)
            let page = try ListedPage(try CLI.succeed(["list", "--json"], environment: environment))
            #expect(page.ids == small.expected().map(\.idString))
            let id = small.expected()[1].idString
            let shown = try CLI.succeed(["show", id], environment: environment)
            #expect(shown.stdout.hasPrefix("Execution \(id)\n"))
            let deleted = try CLI.succeed(["delete", id], environment: environment)
            #expect(deleted.stdout == "Deleted execution \(id).\n")
            #expect(try small.storedIDs().count == 7)
            #expect(try big.storedIDs().count == 24)
        }
    }

    @Test("--db wins over EXECLOG_DB")
    func dbWins() throws {
        try withTwoStores { big, small in
            let environment = ["EXECLOG_DB": small.path]
            #expect(try total(try CLI.succeed(["stats", "--json", "--db", big.path], environment: environment)) == 24)
            let page = try ListedPage(
                try CLI.succeed(["list", "--json", "--limit", "100", "--db", big.path], environment: environment))
            #expect(page.ids == big.expected().map(\.idString))
            // EXECLOG_DB names a missing file: --db still wins.
            let missing = ["EXECLOG_DB": big.path + ".missing"]
            #expect(try total(try CLI.succeed(["stats", "--json", "--db", small.path], environment: missing)) == 8)
        }
    }

    @Test("EXECLOG_DB naming a missing file is reported with that path")
    func environmentMissing() throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("absent.db").path
            try CLI.fail(["list"], environment: ["EXECLOG_DB": path], messageContains: "no execlog store at \(path)")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test(
        "an empty EXECLOG_DB falls back to the default path",
        .enabled(if: !FileManager.default.fileExists(atPath: "/var/lib/execlog/execlog.db")))
    func emptyEnvironment() throws {
        try CLI.fail(["stats"], environment: ["EXECLOG_DB": ""], messageContains: "no execlog store at /var/lib/execlog/execlog.db")
    }
}
