import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import ExecLogTestSupport
import Foundation
import Synchronization
import Testing

/// Runs `body` with a fresh folder of its own under the temporary directory, removed afterwards.
func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = try TemporaryFolder()
    return try withExtendedLifetime(folder) { try body(folder.url) }
}

/// A store seeded by the test, with everything it inserted, to compare the CLI's answers against.
struct SeededStore {
    /// Row i of the generated executions is this many seconds old (rows 10k+9 share row 10k+8's time).
    static let spacing: TimeInterval = 5_820

    var path: String
    /// Every execution inserted, in insertion order.
    var executions: [Execution]
    /// The time the ages are counted from: a whole second, shortly before the test's commands run.
    var now: Date

    /// Hand-made rows that every seeded store holds besides the generated ones.
    static let nastyErrorID = UUID(uuidString: "bbbbbbbb-0000-7000-8000-00000000000a")!
    static let nullsID = UUID(uuidString: "cccccccc-0000-7000-8000-00000000000b")!
    static let nastyError = "HTTP 500, body: \"upstream \"\"timeout\"\"\"\nretry later, maybe"
    /// Two ids that share the prefix `aaaaaaaa-0000`.
    static let ambiguousIDs = [
        UUID(uuidString: "aaaaaaaa-0000-7000-8000-000000000001")!, UUID(uuidString: "aaaaaaaa-0000-7000-8000-000000000002")!,
    ]
    static let handMadeCount = 4

    /// A store in `folder` with `count` generated executions (about 10% failed), one every 97 minutes back
    /// from now, and four hand-made ones: a failure whose message holds a comma, quotes and a newline, one with
    /// every optional field absent, and two whose ids share a prefix.
    ///
    /// Each (count, seed) is generated and inserted once per test process; every test gets its own copy of that
    /// file, so tests running at the same time never share a store.
    static func make(in folder: URL, name: String = "execlog.db", count: Int = 300, seed: UInt64 = 7) throws
        -> SeededStore
    {
        let template = try templates.withLock { templates in
            let key = "\(count)-\(seed)"
            if let template = templates[key] { return template }
            let template = try makeTemplate(count: count, seed: seed)
            templates[key] = template
            return template
        }
        let path = folder.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: template.path, toPath: path)
        return SeededStore(path: path, executions: template.executions, now: template.now)
    }

    private static let templates = Mutex<[String: SeededStore]>([:])

    private static func makeTemplate(count: Int, seed: UInt64) throws -> SeededStore {
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        var options = ExecutionGenerator.Options()
        options.errorRatio = 0.1
        options.payloadBytes = 200
        options.largePromptRatio = 0
        var generator = ExecutionGenerator(seed: seed, options: options)
        // Oldest first, as a real store fills up.
        var executions = (0..<count).reversed().map { index -> Execution in
            let slot = index % 10 == 9 ? index - 1 : index
            return generator.next(createdAt: now.addingTimeInterval(-Double(slot) * spacing))
        }
        executions.append(
            Execution(
                id: nastyErrorID, usageType: "general", inputMessages: [["role": "user", "content": "hi"]],
                inputTokens: 12, provider: "openai", modelName: "gpt-5", errorMessage: nastyError,
                createdAt: now.addingTimeInterval(-1_000)))
        executions.append(
            Execution(
                id: nullsID, usageType: "interview", provider: "anthropic", modelName: "claude-haiku-4-5",
                createdAt: now.addingTimeInterval(-2_000)))
        for (index, id) in ambiguousIDs.enumerated() {
            executions.append(
                Execution(
                    id: id, usageType: "general", inputTokens: 7, outputTokens: 3, totalTokens: 10, provider: "google",
                    modelName: "gemini-2.5-flash", executionTimeMs: 321, createdAt: now.addingTimeInterval(-3_000 - Double(index))))
        }
        let path = templateRoot.appendingPathComponent("template-\(count)-\(seed).db").path
        try insert(executions, into: path)
        return SeededStore(path: path, executions: executions, now: now)
    }

    /// Where the templates live; removed when the test process exits.
    private static let templateRoot: URL = {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("execlog-cli-tests-templates-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        templateRootPath.withLock { $0 = folder.path }
        atexit {
            if let path = SeededStore.templateRootPath.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
        return folder
    }()

    private static let templateRootPath = Mutex<String?>(nil)

    /// Inserts into the store at `path` (created when missing) and closes it again.
    static func insert(_ executions: [Execution], into path: String) throws {
        let store = try ExecutionStore(path: path, mode: .create)
        let result = try store.insert(executions)
        guard result.stored == executions.count else {
            throw StoreError.database("seeding stored \(result.stored) of \(executions.count) executions")
        }
    }

    /// The executions matching `predicate`, newest first, as `list` orders them.
    func expected(_ predicate: (Execution) -> Bool = { _ in true }) -> [Execution] {
        executions.filter(predicate).sorted {
            (Timestamp.format($0.createdAt), $0.idString) > (Timestamp.format($1.createdAt), $1.idString)
        }
    }

    func execution(_ id: UUID) -> Execution? { executions.first { $0.id == id } }

    /// The ids the store holds now, read through the store API.
    func storedIDs() throws -> Set<String> {
        try Self.storedIDs(path)
    }

    static func storedIDs(_ path: String) throws -> Set<String> {
        let store = try ExecutionStore(path: path, mode: .readOnly)
        return Set(try store.list(limit: 1_000_000).executions.map(\.id))
    }
}

/// The bytes and modification time of a file, and the names in its folder: equal snapshots mean nothing wrote.
struct FileSnapshot: Equatable, CustomStringConvertible {
    var bytes: Data?
    var modified: Date?
    var folderContents: [String]

    init(_ path: String) {
        let url = URL(fileURLWithPath: path)
        bytes = try? Data(contentsOf: url)
        modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        folderContents =
            ((try? FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)) ?? []).sorted()
    }

    var description: String {
        "\(bytes.map { "\($0.count) bytes" } ?? "missing"), modified \(modified.map { "\($0.timeIntervalSince1970)" } ?? "?"), folder \(folderContents)"
    }
}

/// Parses a JSON object printed by the CLI.
func jsonObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    return try #require(value as? [String: Any], "not a JSON object: \(text.prefix(500))", sourceLocation: sourceLocation)
}

/// Parses RFC 4180 CSV into records of fields (quoted fields may hold commas, quotes and line breaks).
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var characters = Array(text.unicodeScalars)[...]
    while let character = characters.popFirst() {
        if quoted {
            if character == "\"" {
                if characters.first == "\"" {
                    field.unicodeScalars.append("\"")
                    characters.removeFirst()
                } else {
                    quoted = false
                }
            } else {
                field.unicodeScalars.append(character)
            }
        } else if character == "\"" {
            quoted = true
        } else if character == "," {
            record.append(field)
            field = ""
        } else if character == "\r" || character == "\n" {
            if character == "\r", characters.first == "\n" { characters.removeFirst() }
            record.append(field)
            records.append(record)
            record = []
            field = ""
        } else {
            field.unicodeScalars.append(character)
        }
    }
    if !field.isEmpty || !record.isEmpty {
        record.append(field)
        records.append(record)
    }
    return records
}
