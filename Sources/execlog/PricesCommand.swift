import ArgumentParser
import ExecLogCLI
import ExecLogPricing
import ExecLogStore

struct PricesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "List the prices in force (USD per million tokens).",
        discussion: "Your price file's entries first, then the table bundled with execlog (docs/COST.md).",
        subcommands: [PricesListCommand.self, PricesCheckCommand.self],
        defaultSubcommand: PricesListCommand.self
    )
}

struct PricesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the prices in force.")

    @OptionGroup var prices: PriceOptions

    @Option(help: ArgumentHelp("Only this provider (an id such as openai, or a name it answers to).", valueName: "name"))
    var provider: String?

    @Option(help: ArgumentHelp("Only the models this name is priced as, or whose id contains it.", valueName: "name"))
    var model: String?

    @Flag(help: "Write the prices as a JSON array.")
    var json = false

    func run() throws {
        let book = try prices.book()
        let rows = PriceListing.rows(book, provider: provider, model: model)
        print(
            json ? try PriceListing.json(rows) : PriceListing.table(rows, source: book.table.source, style: .standardOutput),
            terminator: "")
    }
}

struct PricesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "List the models in the store that have no price; exit 1 when there is any.",
        discussion: """
            For a cron job: nothing is silently $0. Models that have a price now but executions without a
            cost (stored before the price, or calls that reported no token counts) are listed too, without
            failing. Read from the rollups, so it is fast on any store.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var prices: PriceOptions

    func run() throws {
        let book = try prices.book()
        let unpriced = try store.open(.readOnly).unpricedModels()
        guard !unpriced.isEmpty else {
            print("Every execution in the store is priced.")
            return
        }
        var withoutPrice = 0
        for (provider, model, executions) in unpriced {
            let count = Formatting.plural(executions, "execution")
            if book.resolve(provider: provider, model: model) == nil {
                withoutPrice += 1
                print("\(provider)/\(model): no price, \(count) unpriced (add it to your price file)")
            } else {
                print("\(provider)/\(model): priced now, \(count) without a cost (stored before the price: execlog reprice --provider \(provider) --model \(model); or calls that reported no token counts)")
            }
        }
        if withoutPrice > 0 { throw ExitCode(1) }
    }
}
