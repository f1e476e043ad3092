import ArgumentParser
import ExecLogCLI
import ExecLogStore
import Foundation

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the store, or upgrade its schema to this version's.",
        discussion: """
            Then adds to the search index the executions stored before it existed (execlogd does it too, in its \
            idle moments), with progress on a terminal. With --rebuild-search-index, first empties the index (or \
            creates it) and indexes every execution again: the repair after a VACUUM or a change made by hand.
            With --rebuild-rollups, also recompute the hourly and daily totals that stats read from the rows: needed \
            only after rows were added or deleted by hand (for example in the sqlite3 shell).
            """
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "Recompute the hourly and daily rollups from the rows.")
    var rebuildRollups = false

    @Flag(help: "Index every execution again (creates the index when the store has none).")
    var rebuildSearchIndex = false

    func run() throws {
        let opened = try store.open(.create)
        let versions = try opened.schemaVersions()
        print("\(store.path): schema \(versions.last ?? "none") (\(versions.joined(separator: ", ")))")
        if rebuildSearchIndex {
            if try !opened.setSearchIndex(enabled: true) { try opened.resetSearchIndex() }
        }
        try buildSearchIndex(opened)
        if rebuildRollups {
            try opened.rebuildRollups()
            print("\(store.path): rollups rebuilt from \(try opened.count()) executions")
        }
    }

    /// Indexes what remains, a chunk at a time; progress on a terminal, one line at the end.
    private func buildSearchIndex(_ opened: ExecutionStore) throws {
        guard case .building(let total) = try opened.searchIndexState() else { return }
        let progress = ProgressLine.standardError
        let started = ContinuousClock.now
        // Longer transactions than execlogd's own (20 ms): a running writer waits at most this long.
        try opened.buildSearchIndex(budget: .milliseconds(200)) { remaining in
            let done = max(0, total - remaining)
            progress.update("search index: \(Formatting.count(done)) of about \(Formatting.count(total)) executions indexed")
        }
        progress.finish()
        let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1_000
        print("\(store.path): search index built (about \(Formatting.count(total)) executions in \(String(format: "%.1f", seconds)) s)")
    }
}
