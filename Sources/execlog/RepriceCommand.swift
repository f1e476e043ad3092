import ExecLogPricing
import ArgumentParser
import ExecLogCLI
import ExecLogStore
import Foundation

struct RepriceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprice",
        abstract: "Compute the stored executions' cost again with the prices in force.",
        discussion: """
            After the price table or your price file changed, or for rows stored before costs existed.
            Works in short transactions, so a running execlogd keeps writing meanwhile; running it twice
            changes nothing the second time.
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var prices: PriceOptions

    func run() throws {
        let book = try prices.book()
        let filter = try filters.filter()
        let executionStore = try store.open(.readWrite)
        let line = ProgressLine.standardError
        let result = try executionStore.reprice(filter, prices: book) { progress in
            line.update("\(Formatting.count(progress.examined)) executions read…")
        }
        line.finish()
        print(
            "Repriced \(Formatting.plural(result.examined, "execution")): \(Formatting.count(result.changed)) changed, "
                + "\(Formatting.count(result.unpriced)) without a known cost.")
        if result.leftUserPrices > 0 {
            // Not an error (a price may have been taken out of the file on purpose), but never silent.
            FileHandle.standardError.write(Data(
                "execlog: warning: \(Formatting.plural(result.leftUserPrices, "execution")) priced by a price file before are priced without it now (\(book.user.map { "price file \($0.path)" } ?? "no price file")): give --prices the file execlogd uses to restore them\n".utf8))
        }
    }
}
