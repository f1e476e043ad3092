import ArgumentParser
import ExecLog
import ExecLogModel
import ExecLogSimulation
import Foundation

/// The cost of content privacy on the sender thread: the default redaction policy applied to each
/// execution and then its JSON encoded, against the JSON encoding alone (what the sender does for
/// every event anyway). One in ten executions carries secrets (an OpenAI key, an Anthropic key and an
/// e-mail address in a message), so both the cheap path (the byte scan finds no telltale) and the
/// regex path are in the mix. The best of `--repetitions` passes over the same executions is kept:
/// this machine is shared, and a pass only gets slower when something else runs.
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "privacy")

    @Option(help: "Executions per pass.")
    var count: Int = 20_000

    @Option(help: "Approximate bytes of prompt content per execution (300 gives ~1.5 KB events).")
    var payloadBytes: Int = 300

    @Option(help: "Passes; the fastest one counts.")
    var repetitions: Int = 5

    @Option(help: "Where to write the figures (JSON).")
    var out: String

    func run() throws {
        var options = ExecutionGenerator.Options()
        options.payloadBytes = payloadBytes
        var generator = ExecutionGenerator(seed: 11, options: options)
        let executions = (0..<count).map { index -> Execution in
            var execution = generator.next()
            if index % 10 == 0, case .array(var messages) = execution.inputMessages {
                messages.append([
                    "role": "user",
                    "content": .string(
                        "Use sk-proj-4f9c2a7e1b8d3f6a0c5e9b2d7a1f4c8e and sk-ant-api03-Zx8Yq2Lm5Np7Rt1Vw3Xy9Ab4, reply to ops@example.com"),
                ])
                execution.inputMessages = .array(messages)
            }
            return execution
        }
        let filter = try ContentFilter(ContentPolicy())
        var redactions = 0
        var bytes = 0
        func pass(_ body: (Execution) -> [UInt8]) -> Double {
            let start = ContinuousClock.now
            for execution in executions { bytes &+= body(execution).count }
            return (ContinuousClock.now - start) / .seconds(1)
        }
        var encodeBest = Double.infinity, redactBest = Double.infinity
        for _ in 0..<repetitions {
            encodeBest = min(encodeBest, pass { $0.wireJSON() })
            redactBest = min(redactBest, pass { filter.apply($0, redactions: &redactions).wireJSON() })
        }
        let eventBytes = executions.reduce(0) { $0 + $1.wireJSON().count } / executions.count
        var results = Results()
        results["events"] = Double(count)
        results["event_bytes"] = Double(eventBytes)
        results["encode_us_per_event"] = encodeBest / Double(count) * 1e6
        results["redact_encode_us_per_event"] = redactBest / Double(count) * 1e6
        results["redactions_per_pass"] = Double(redactions / repetitions)
        results["redact_encode_events_per_s"] = Double(count) / redactBest
        try results.write(to: out)
    }
}
