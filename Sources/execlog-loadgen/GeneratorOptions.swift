import ArgumentParser
import ExecLogSimulation

/// How the simulated executions look.
struct GeneratorOptions: ParsableArguments {
    @Option(help: "Share of executions that fail.")
    var errorRatio: Double = 0.03

    @Option(help: "Approximate bytes of prompt content per execution.")
    var payloadBytes: Int = 1_000

    @Option(help: "When > 0, every execution carries the same system prompt of about this many bytes.")
    var repeatSystemPromptBytes: Int = 0

    @Option(help: "Random seed: the same seed gives the same executions.")
    var seed: UInt64 = 42

    func validate() throws {
        guard (0...1).contains(errorRatio) else { throw ValidationError("--error-ratio must be between 0 and 1") }
        guard payloadBytes >= 0 else { throw ValidationError("--payload-bytes must be ≥ 0") }
        guard repeatSystemPromptBytes >= 0 else { throw ValidationError("--repeat-system-prompt-bytes must be ≥ 0") }
    }

    func generator(stream: UInt64 = 0) -> ExecutionGenerator {
        var options = ExecutionGenerator.Options()
        options.errorRatio = errorRatio
        options.payloadBytes = payloadBytes
        options.repeatedSystemPromptBytes = repeatSystemPromptBytes
        return ExecutionGenerator(seed: seed &+ stream &* 0x9E37_79B9, options: options)
    }
}
