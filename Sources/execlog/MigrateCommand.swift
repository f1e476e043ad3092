import ArgumentParser
import ExecLogStore

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the store, or upgrade its schema to this version's.",
        discussion: """
            With --rebuild-rollups, also recompute the hourly and daily totals that stats read from the rows: needed \
            only after rows were added or deleted by hand (for example in the sqlite3 shell).
            """
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Recompute the hourly and daily rollups from the rows.")
    var rebuildRollups = false

    func run() throws {
        let opened = try store.open(.create)
        let versions = try opened.schemaVersions()
        print("\(store.path): schema \(versions.last ?? "none") (\(versions.joined(separator: ", ")))")
        if rebuildRollups {
            try opened.rebuildRollups()
            print("\(store.path): rollups rebuilt from \(try opened.count()) executions")
        }
    }
}
