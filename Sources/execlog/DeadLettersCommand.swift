import ArgumentParser
import ExecLogCLI
import ExecLogStore
import Foundation

struct DeadLettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List the events the writer rejected, with why; or purge them.",
        discussion: """
            Newest first: when, the event's size and id, the reason, and the start of what was sent.
            execlogd keeps them for --dead-letter-retention (30d) and within --max-dead-letter-bytes (256 MiB).
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Show at most this many. Default: 20.", valueName: "n"))
    var limit = 20

    @Flag(help: "One JSON object: count, bytes and the dead letters.")
    var json = false

    @Flag(help: "Delete every dead letter (asks on a terminal unless --yes).")
    var purge = false

    @Flag(name: [.short, .long], help: "Do not ask for confirmation on a terminal.")
    var yes = false

    func run() throws {
        guard limit > 0 else { throw CLIError("invalid --limit \(limit): expected a whole number > 0") }
        if purge {
            guard !json else { throw CLIError("--purge and --json cannot be used together") }
            try runPurge()
            return
        }
        let executionStore = try store.open(.readOnly)
        let totals = try executionStore.deadLetterTotals()
        let letters = try executionStore.deadLetters(limit: limit)
        print(
            json ? DeadLetterReport.json(letters, totals: totals)
                : DeadLetterReport.text(letters, totals: totals, style: .standardOutput),
            terminator: "")
    }

    private func runPurge() throws {
        let executionStore = try store.open(.readWrite)
        let totals = try executionStore.deadLetterTotals()
        guard totals.count > 0 else {
            print("No dead letters.")
            return
        }
        if !yes, isatty(STDIN_FILENO) == 1 {
            print("Delete \(Formatting.count(totals.count)) dead letters (\(Formatting.bytes(totals.bytes)))? [y/N] ", terminator: "")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                print("Nothing deleted.")
                return
            }
        }
        let removed = try executionStore.purgeDeadLetters()
        print("Deleted \(Formatting.count(removed)) dead letters.")
    }
}
