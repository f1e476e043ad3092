import ArgumentParser
import ExecLogStore

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete one execution."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The execution's id, or a unique prefix of it.")
    var id: String

    func run() throws {
        let deleted = try store.open(.readWrite).delete(id)
        print("Deleted execution \(deleted).")
    }
}
