import ExecLogModel
import ExecLogPricing
import Foundation
import Testing

@Suite("execlog show")
struct ShowCommandTests {
    static let sections = ["Token usage", "Parameters", "System prompt", "Input messages", "Response"]

    /// The shortest prefix of `id`, at least `minimum` characters, that no other inserted id shares.
    static func uniquePrefix(of id: String, among ids: [String], minimum: Int = 8) -> String {
        var length = minimum
        while ids.contains(where: { $0 != id && $0.hasPrefix(id.prefix(length)) }) { length += 1 }
        return String(id.prefix(length))
    }

    @Test("show ID: the id, status, every section, the fields")
    func showID() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let execution = try #require(store.expected { !$0.isError && $0.systemPrompt != nil }.dropFirst(5).first)
            let result = try CLI.succeed(["show", "--db", store.path, execution.idString])
            let text = result.stdout
            #expect(!text.contains("\u{1B}"))
            #expect(text.hasPrefix("Execution \(execution.idString)\n"))
            for section in Self.sections { #expect(text.contains("\n\(section)\n"), "\(section)") }
            #expect(!text.contains("\nError\n"))
            for part in [
                "OK", execution.usageType, execution.provider, execution.modelName, Timestamp.format(execution.createdAt),
                execution.systemPrompt!, execution.responseContent!, execution.traceID!,
            ] {
                #expect(text.contains(part), "\(part)")
            }
        }
    }

    @Test("show PREFIX finds the one execution with that prefix, in any case")
    func showPrefix() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let ids = store.executions.map(\.idString)
            // A hand-made id whose first 8 characters are unique.
            let eight = try CLI.succeed(["show", "--db", store.path, "bbbbbbbb"])
            #expect(eight.stdout.hasPrefix("Execution \(SeededStore.nastyErrorID.uuidString.lowercased())\n"))
            // Generated ids: the shortest unique prefix of a few, upper- and lower-case.
            let generated = store.expected { $0.systemPrompt != nil }
            for (execution, uppercase) in [(generated[3], false), (generated[20], true)] {
                let prefix = Self.uniquePrefix(of: execution.idString, among: ids)
                let typed = uppercase ? prefix.uppercased() : prefix
                let result = try CLI.succeed(["show", "--db", store.path, typed])
                #expect(result.stdout.hasPrefix("Execution \(execution.idString)\n"), "\(typed)")
                for section in Self.sections { #expect(result.stdout.contains(section)) }
            }
        }
    }

    @Test("show --json round-trips the execution")
    func json() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let candidates =
                Array(store.expected { !$0.isError && $0.systemPrompt != nil }.prefix(1))
                + Array(store.expected { $0.isError && $0.systemPrompt != nil }.prefix(1)) + [store.execution(SeededStore.nullsID)!, store.execution(SeededStore.nastyErrorID)!]
            for execution in candidates {
                let result = try CLI.succeed(["show", "--db", store.path, "--json", execution.idString])
                let object = try jsonObject(result.stdout)
                #expect(Set(object.keys) == Set(Execution.fieldNames + ["cost"]))
                let cost = try #require(object["cost"] as? [String: Any])
                let expectedCost = PriceBook.bundled.cost(of: execution, createdAt: Timestamp.format(execution.createdAt))
                #expect(cost["total_nano_usd"] as? Int == expectedCost.totalNanoUSD)
                #expect(cost["source"] as? String == expectedCost.source.rawValue)
                #expect(object["id"] as? String == execution.idString)
                #expect(object["usage_type"] as? String == execution.usageType)
                #expect(object["provider"] as? String == execution.provider)
                #expect(object["model_name"] as? String == execution.modelName)
                #expect(object["created_at"] as? String == Timestamp.format(execution.createdAt))
                #expect(object["input_tokens"] as? Int == execution.inputTokens)
                #expect(object["output_tokens"] as? Int == execution.outputTokens)
                #expect(object["total_tokens"] as? Int == execution.totalTokensOrSum)
                #expect(object["execution_time_ms"] as? Int == execution.executionTimeMs)
                #expect(object["error_message"] as? String == execution.errorMessage)
                #expect(object["system_prompt"] as? String == execution.systemPrompt)
                #expect(object["response_content"] as? String == execution.responseContent)
                #expect(object["temperature"] as? Double == execution.temperature)
                #expect(object["tags"] as? [String] == execution.tags)
                for key in ["input_tokens", "error_message", "system_prompt", "response_content", "temperature"] {
                    #expect(object[key] != nil, "\(key) present even when null")
                }
                let decoded = try Execution.decodeEvent(Data(result.stdout.utf8))
                var stored = execution
                stored.totalTokens = execution.totalTokensOrSum
                #expect(decoded == stored)
            }
        }
    }

    @Test("a failed execution shows its error message")
    func failed() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let generated = try #require(store.expected { $0.isError && $0.id != SeededStore.nastyErrorID }.first)
            let result = try CLI.succeed(["show", "--db", store.path, generated.idString])
            #expect(result.stdout.contains("ERROR"))
            #expect(result.stdout.contains("\nError\n  \(generated.errorMessage!)\n"))

            let nasty = try CLI.succeed(["show", "--db", store.path, SeededStore.nastyErrorID.uuidString])
            let indented = SeededStore.nastyError.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
            #expect(nasty.stdout.contains("\nError\n\(indented)\n"), "\(nasty)")
            for section in Self.sections { #expect(nasty.stdout.contains(section)) }
        }
    }

    @Test("absent fields show as (none) or a dash")
    func absent() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let result = try CLI.succeed(["show", "--db", store.path, "cccccccc"])
            #expect(result.stdout.contains("\nSystem prompt\n  (none)\n"))
            #expect(result.stdout.contains("\nResponse\n  (none)\n"))
            for name in ["Input", "Output", "Total", "Duration", "Temperature", "Max tokens"] {
                #expect(result.stdout.contains("  " + name.padding(toLength: 20, withPad: " ", startingAt: 0) + "–\n"), "\(name)")
            }
        }
    }
}
