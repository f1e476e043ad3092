import ArgumentParser

@main
struct LoadgenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execlog-loadgen",
        abstract: "Simulate worker processes that call AI models, and log their executions.",
        subcommands: [SeedCommand.self, EmitCommand.self]
    )
}
