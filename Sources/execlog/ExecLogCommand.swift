import ArgumentParser
import ExecLogCLI
import ExecLogStore
import Foundation

@main
struct ExecLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execlog",
        abstract: "Query the execlog store of AI model executions.",
        discussion: """
            The store is the SQLite file that execlogd writes. Every command takes --db PATH, else the
            EXECLOG_DB environment variable, else \(StoreOptions.defaultPath).
            """,
        subcommands: [
            ListCommand.self, SearchCommand.self, ShowCommand.self, TraceCommand.self, SessionCommand.self, StatsCommand.self, PricesCommand.self, RepriceCommand.self,
            DeleteCommand.self, PruneCommand.self,
            DeadLettersCommand.self, StatusCommand.self, MigrateCommand.self, ServeCommand.self, KeygenCommand.self,
        ]
    )

    /// Our own errors are one line on stderr and exit status 1; usage mistakes get ArgumentParser's help.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as StoreError {
            fail(error.description)
        } catch let error as CLIError {
            fail(error.description)
        } catch {
            exit(withError: error)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("execlog: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
