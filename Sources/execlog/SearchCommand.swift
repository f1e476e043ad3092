import ArgumentParser
import ExecLogCLI
import ExecLogModel
import ExecLogStore
import Foundation

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find executions by what their prompts, responses and errors say, newest first.",
        discussion: """
            QUERY is SQLite FTS5's query language (docs/SEARCH.md): words (all must match), "a phrase", \
            prefix*, AND, OR, NOT, parentheses, and a column before a colon: system_prompt:, input:, \
            response:, error: (e.g. response:timeout). Matching ignores case and accents. Put words with \
            punctuation in double quotes: "gpt-4". Each hit shows a snippet of its text, matches highlighted \
            on a terminal.
            """
    )

    @Argument(help: "What to look for.")
    var query: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var page: PageOptions

    func run() throws {
        let limit = try page.validatedLimit()
        let offset = try page.validatedOffset()
        let format = try page.format()
        var filter = try filters.filter()
        guard filter.query == nil else { throw CLIError("give the query once: as the argument or with --query") }
        filter.query = query
        let opened = try store.open(.readOnly)
        try Self.noteIndexBuild(opened)
        let result = try opened.list(filter, order: page.listOrder, limit: limit, offset: offset, after: try page.cursor())
        print(
            try ListRenderer.render(
                result, format: format, style: .standardOutput, search: true, nextOffset: offset.saturatingAdd(limit)),
            terminator: "")
    }

    /// A search misses the rows the index does not hold yet: says so on stderr, not in the results.
    static func noteIndexBuild(_ store: ExecutionStore) throws {
        guard case .building(let remaining) = try store.searchIndexState() else { return }
        FileHandle.standardError.write(Data(
            "note: the search index is still being built (about \(Formatting.count(remaining)) older executions to go); their matches are missing until it is done\n".utf8))
    }
}
