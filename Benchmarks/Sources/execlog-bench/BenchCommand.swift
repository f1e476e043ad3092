import ArgumentParser

/// The measurements of issue 6 that package-benchmark's one-process loop cannot make: raw insert
/// throughput, end-to-end latency across processes, queries on big stores, storage. Each subcommand
/// writes one flat JSON object of numbers (`--out`); `report` turns a folder of them into the table.
/// scripts/bench drives it.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execlog-bench",
        abstract: "The measuring tools of scripts/bench.",
        subcommands: [RawInsertCommand.self, EndToEndCommand.self, QueriesCommand.self, StorageCommand.self,
                      PrivacyCommand.self, PricingCommand.self, SearchCommand.self, RecordTailCommand.self, EmitterCPUCommand.self,
                      WriterFeedCommand.self, DefaultsCommand.self, ReportCommand.self]
    )
}
