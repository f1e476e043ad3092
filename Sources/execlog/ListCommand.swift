import ArgumentParser
import ExecLogCLI
import ExecLogModel
import ExecLogStore

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List executions, newest first (or --sort).",
        discussion: "Page with --after and the cursor a page prints; --offset walks skipped rows and gets slow deep down."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var page: PageOptions

    func run() throws {
        let limit = try page.validatedLimit()
        let offset = try page.validatedOffset()
        let format = try page.format()
        let filter = try filters.filter()
        let opened = try store.open(.readOnly)
        if filter.query != nil { try SearchCommand.noteIndexBuild(opened) }
        let result = try opened.list(filter, order: page.listOrder, limit: limit, offset: offset, after: try page.cursor())
        print(
            try ListRenderer.render(
                result, format: format, style: .standardOutput, search: filter.query != nil, nextOffset: offset.saturatingAdd(limit)),
            terminator: "")
    }
}
