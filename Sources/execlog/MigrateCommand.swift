import ArgumentParser
import ExecLogStore

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the store, or upgrade its schema to this version's."
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        let versions = try store.open(.create).schemaVersions()
        print("\(store.path): schema \(versions.last ?? "none") (\(versions.joined(separator: ", ")))")
    }
}
