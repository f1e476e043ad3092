import ArgumentParser
import ExecLogCLI
import ExecLogPricing

/// `--prices`, shared by the commands that price: the user's price file over the bundled table.
struct PriceOptions: ParsableArguments {
    @Option(
        name: .customLong("prices"),
        help: ArgumentHelp(
            "Your price file (TOML, docs/COST.md). Default: EXECLOG_PRICES, else \(UserPrices.defaultPath) when it exists.",
            valueName: "path"))
    var file: String?

    /// The bundled prices with the user's file over them; a bad file is one line and status 1.
    func book() throws(CLIError) -> PriceBook {
        do {
            return try PriceBook.load(userFile: file)
        } catch {
            throw CLIError(error.description, kind: .invalidInput)
        }
    }
}
