import ArgumentParser

@main
struct LoadgenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execlog-loadgen",
        abstract: "Simulate worker processes that call AI models, and log their executions.",
        subcommands: [SeedCommand.self]
    )
}
