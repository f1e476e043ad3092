import ArgumentParser
import ExecLogStore
import Foundation

/// `--db`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    static let defaultPath = "/var/lib/execlog/execlog.db"

    @Option(name: .long, help: ArgumentHelp("The store file.", valueName: "path"))
    var db: String?

    /// --db, else EXECLOG_DB, else the default path.
    var path: String {
        db ?? ProcessInfo.processInfo.environment["EXECLOG_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultPath
    }

    func open(_ mode: ExecutionStore.Mode) throws -> ExecutionStore {
        try ExecutionStore(path: path, mode: mode)
    }
}
