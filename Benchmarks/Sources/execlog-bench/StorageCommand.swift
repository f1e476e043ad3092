import ArgumentParser
import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import Foundation

/// Row 6: bytes on disk per execution against the size of its JSON event, and what a system prompt
/// repeated in every row costs.
///
/// Size on disk is the `.db` file after a TRUNCATE checkpoint (so the `-wal` file is empty and
/// everything is in the main file), divided by the rows: table, indexes and free pages together.
/// The JSON size is the compact wire form of the same executions (the generator is deterministic:
/// the first `--sample` executions of seed 42 are the store's first rows when execlog-loadgen seed
/// made it with its defaults).
struct StorageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "storage")

    @Option(help: "A store made by execlog-loadgen seed with its default generator options.")
    var db: String

    @Option(help: "Folder for the two small stores of the repeated-prompt test.")
    var dir: String

    @Option(help: "Rows in each store of the repeated-prompt test.")
    var promptRows: Int = 20_000

    @Option(help: "Size of the repeated system prompt.")
    var promptBytes: Int = 8_192

    @Option(help: "Executions generated to measure the JSON size.")
    var sample: Int = 20_000

    @Option(help: "Where to write the figures (JSON).")
    var out: String

    func run() throws {
        var results = Results()
        let rows = try ExecutionStore(path: db, mode: .readOnly).count()
        let bytes = try Self.bytesOnDisk(db)
        var generator = ExecutionGenerator(seed: 42)
        let sampleSize = max(1, min(sample, rows))
        let jsonBytes = (0..<sampleSize).reduce(0) { total, _ in total + generator.next().jsonData().count }
        results["rows"] = Double(rows)
        results["bytes_per_row"] = Double(bytes) / Double(max(rows, 1))
        results["json_bytes_per_event"] = Double(jsonBytes) / Double(sampleSize)

        // The same executions twice: without a system prompt, and with one long prompt in every row.
        // The copies of the prompt's text in the file are counted byte for byte (whatever the schema
        // does with them), and the difference in size per row is what the prompt costs each row.
        var options = ExecutionGenerator.Options()
        options.repeatedSystemPromptBytes = promptBytes
        var probe = ExecutionGenerator(seed: 7, options: options)
        let prompt = probe.next().systemPrompt ?? ""
        var sizes: [Int] = []
        var copies = 0
        for name in ["none", "repeated"] {
            let path = dir + "/prompt-\(name).db"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            var generator = ExecutionGenerator(seed: 7, options: options)
            let store = try ExecutionStore(path: path, mode: .create)
            var written = 0
            while written < promptRows {
                let size = min(1_000, promptRows - written)
                try store.insert((0..<size).map { _ in
                    var execution = generator.next()
                    if name == "none" { execution.systemPrompt = nil }
                    return execution
                })
                written += size
            }
            sizes.append(try Self.bytesOnDisk(path))
            if name == "repeated" { copies = try Self.occurrences(of: Array(prompt.utf8.prefix(64)), inFile: path) }
        }
        let extraPerRow = Double(sizes[1] - sizes[0]) / Double(promptRows)
        results["prompt_bytes"] = Double(prompt.utf8.count)
        results["prompt_rows"] = Double(promptRows)
        results["prompt_extra_bytes_per_row"] = extraPerRow
        // Copies of the prompt's text in the file: promptRows means once per row, 1 means once.
        results["prompt_copies"] = Double(copies)
        try results.write(to: out)
    }

    /// How many times `needle` occurs in the file (after a checkpoint, everything is in it).
    static func occurrences(of needle: [UInt8], inFile path: String) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        guard let first = needle.first else { return 0 }
        return data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int in
            let bytes = buffer.bindMemory(to: UInt8.self)
            var count = 0
            var index = 0
            while index + needle.count <= bytes.count {
                if bytes[index] == first, needle.indices.allSatisfy({ bytes[index + $0] == needle[$0] }) {
                    count += 1
                    index += needle.count
                } else {
                    index += 1
                }
            }
            return count
        }
    }

    /// The main file's size once the WAL has been copied into it and truncated.
    static func bytesOnDisk(_ path: String) throws -> Int {
        let store = try ExecutionStore(path: path, mode: .readWrite)
        _ = try store.checkpoint(.truncate)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.intValue ?? 0
    }
}
