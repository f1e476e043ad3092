import ArgumentParser
import ExecLogCLI
import ExecLogStore
import Foundation

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete executions older than a given age.",
        discussion: "Deletes in small transactions, so a running execlogd keeps writing meanwhile."
    )

    @OptionGroup var store: StoreOptions

    @Option(parsing: .unconditional, help: ArgumentHelp("The age: 30d, 12h, 2w…", valueName: "duration"))
    var olderThan: String

    @Flag(name: [.short, .long], help: "Do not ask for confirmation on a terminal.")
    var yes = false

    func run() throws {
        let age = try TimeArguments.duration(olderThan)
        let cutoff = Date().addingTimeInterval(-age)
        let executionStore = try store.open(.readWrite)
        if !yes, isatty(STDIN_FILENO) == 1 {
            let count = try executionStore.count(ExecutionFilter(to: cutoff))
            guard count > 0 else {
                print("No executions older than \(olderThan).")
                return
            }
            print(
                "Delete \(Formatting.count(count)) executions created before \(Formatting.localTime(cutoff))? [y/N] ",
                terminator: "")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                print("Nothing deleted.")
                return
            }
        }
        let deleted = try executionStore.prune(olderThan: cutoff)
        print("Deleted \(Formatting.count(deleted)) executions older than \(olderThan).")
    }
}
