import ArgumentParser
import ExecLog
import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import ExecLogWire
import ExecLogWriter
import Foundation
import ZeroMQ

/// Row 2w (issue 19, target 1): execlogd fed as fast as one client can, against the C program
/// (Benchmarks/CInsertLimit) that inserts the same rows into the same schema.
///
/// Before the clock: `--count` executions from the generator (fixed seed), each redacted by the default
/// content policy and encoded exactly as the ExecLog sender does (`ContentFilter.apply`, `wireJSON`),
/// grouped as the sender groups them (`maxBatchEvents` and `maxBatchBytes` of the emitter's default
/// configuration) into ready `batch` messages. Timed: one DEALER sends them with `--window` batches in
/// flight (the emitter's `maxInFlightBatches` by default) and reads the acks, until every batch is acked.
/// So the writer's figure carries no emitter CPU: no generation, no redaction, no encoding.
///
/// `--rows-out` also stores the same executions, decoded from the same bytes and priced with the bundled
/// prices as execlogd prices them, into a fresh store (outside any clock): the C program's source rows.
struct WriterFeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "writer-feed")

    @Option(help: "execlogd's endpoint (ipc://…; no CURVE). Without it, nothing is sent (--rows-out only).")
    var endpoint: String?

    @Option(help: "Executions to send.")
    var count: Int = 40_000

    @Option(help: "As execlog-loadgen's --payload-bytes (300: ~1.5 KB events; 20000: ~21 KB).")
    var payloadBytes: Int = 300

    @Option(help: "The generator's seed: the same seed makes the same executions, ids and times aside.")
    var seed: UInt64 = 19

    @Option(help: "Batches in flight (default: the emitter's maxInFlightBatches).")
    var window: Int = ExecutionLoggerConfiguration().maxInFlightBatches

    @Option(help: "Seconds to wait for an ack before failing.")
    var ackTimeout: Int = 60

    @Option(help: "Also store the same executions into this new store (must not exist), for insert_limit.")
    var rowsOut: String?

    @Option(help: "Where to write the figures (JSON); required with --endpoint.")
    var out: String?

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard window > 0 else { throw ValidationError("--window must be positive") }
        guard endpoint == nil || out != nil else { throw ValidationError("--endpoint needs --out") }
        guard endpoint != nil || rowsOut != nil else { throw ValidationError("give --endpoint, --rows-out or both") }
        if let rowsOut, FileManager.default.fileExists(atPath: rowsOut) {
            throw ValidationError("--rows-out \(rowsOut) exists; give a new file")
        }
    }

    func run() throws {
        let events = try Self.encodedEvents(count: count, payloadBytes: payloadBytes, seed: seed)
        if let rowsOut { try Self.storeRows(events, at: rowsOut) }
        guard let endpoint, let out else { return }
        let batches = Self.batches(of: events, configuration: ExecutionLoggerConfiguration())
        let eventBytes = events.reduce(0) { $0 + $1.count }

        let outcome = try Self.send(batches, to: endpoint, window: window, ackTimeout: ackTimeout)
        // Every event stored exactly once: a duplicate would be a row the writer did not insert, a
        // rejection an event it did not store; either would flatter the figure.
        guard outcome.stored == count, outcome.duplicates == 0, outcome.rejected == 0 else {
            throw WriterFeedError(
                "\(count) events sent, \(outcome.stored) stored, \(outcome.duplicates) duplicates, \(outcome.rejected) rejected")
        }
        var results = Results()
        results["events"] = Double(count)
        results["batches"] = Double(batches.count)
        results["window"] = Double(window)
        results["seconds"] = outcome.seconds
        results["events_per_s"] = Double(count) / outcome.seconds
        results["mb_per_s"] = Double(eventBytes) / outcome.seconds / 1e6
        results["event_bytes"] = Double(eventBytes) / Double(count)
        try results.write(to: out)
    }

    /// The events as the sender puts them in a frame: the default content policy applied, then `wireJSON`.
    /// Created 0.1 ms apart from now (a writer's stream of fresh events), each id a UUIDv7 of its time.
    static func encodedEvents(count: Int, payloadBytes: Int, seed: UInt64) throws -> [[UInt8]] {
        var options = ExecutionGenerator.Options()
        options.payloadBytes = payloadBytes
        var generator = ExecutionGenerator(seed: seed, options: options)
        let filter = try ContentFilter(ContentPolicy())
        var redactions = 0
        let start = Date()
        return (0..<count).map { index in
            let execution = generator.next(createdAt: start.addingTimeInterval(Double(index) * 0.000_1))
            return filter.apply(execution, redactions: &redactions).wireJSON()
        }
    }

    /// The sender's batches (InFlightBatches.formBatch): up to `maxBatchEvents` events and `maxBatchBytes`
    /// bytes, at least one event. Ids as the sender's, a prefix and a counter.
    static func batches(of events: [[UInt8]], configuration: ExecutionLoggerConfiguration) -> [(id: String, frames: [[UInt8]])] {
        var batches: [(id: String, frames: [[UInt8]])] = []
        var start = 0
        while start < events.count {
            var end = start, bytes = 0
            while end < events.count, end - start < configuration.maxBatchEvents {
                if end > start, bytes + events[end].count > configuration.maxBatchBytes { break }
                bytes += events[end].count
                end += 1
            }
            let id = "feed-\(batches.count)"
            batches.append((id, WireMessage.batch(id: id, events: Array(events[start..<end])).frames))
            start = end
        }
        return batches
    }

    /// The rows execlogd stores for these events: decoded from the same bytes, validated, priced with the
    /// bundled prices, in transactions of the writer's `commitEvents`.
    static func storeRows(_ events: [[UInt8]], at path: String) throws {
        let store = try ExecutionStore(path: path, mode: .create)
        let perTransaction = WriterConfiguration(endpoints: [], storePath: path).commitEvents
        var start = 0
        while start < events.count {
            let end = min(start + perTransaction, events.count)
            let executions = try events[start..<end].map { event throws(ExecutionError) in try Execution.decodeEvent(event) }
            let result = try store.insert(executions)
            guard result.stored == executions.count else {
                throw WriterFeedError("--rows-out: \(result.duplicates) of \(executions.count) executions were duplicates")
            }
            start = end
        }
    }

    struct Outcome {
        var stored = 0, duplicates = 0, rejected = 0
        var seconds = 0.0
    }

    /// Sends every batch, `window` in flight, and reads every ack. The clock runs from the first send to
    /// the last ack.
    static func send(_ batches: [(id: String, frames: [[UInt8]])], to endpoint: String, window: Int, ackTimeout: Int) throws -> Outcome {
        let socket = try ZMQSocket(context: ZMQContext(), type: .dealer)
        try socket.setOption(.linger, value: 0)
        try socket.setOption(.receiveTimeout, value: Int32(clamping: ackTimeout * 1_000))
        // Room for the whole window: a send never blocks on our own queue.
        try socket.setOption(.sendHighWaterMark, value: Int32(clamping: window * 2))
        try socket.connect(endpoint)
        defer { socket.close() }

        var outcome = Outcome()
        var unacked = Set<String>()
        var next = 0
        let clock = ContinuousClock()
        let start = clock.now
        while next < batches.count || !unacked.isEmpty {
            while next < batches.count, unacked.count < window {
                guard try socket.send(batches[next].frames) else { throw WriterFeedError("send: the socket refused a batch") }
                unacked.insert(batches[next].id)
                next += 1
            }
            guard let frames = try socket.receive() else {
                throw WriterFeedError("no reply from \(endpoint) within \(ackTimeout) s (\(unacked.count) batches unacked)")
            }
            switch try WireMessage(frames: frames) {
            case .ack(let batchID, let ack):
                guard unacked.remove(batchID) != nil else { throw WriterFeedError("an ack for unknown batch \(batchID)") }
                outcome.stored += ack.stored
                outcome.duplicates += ack.duplicates
                outcome.rejected += ack.rejected.count
                if let first = ack.rejected.first {
                    throw WriterFeedError("batch \(batchID): event \(first.index) rejected: \(first.error)")
                }
            case .error(let batchID, let message):
                throw WriterFeedError("the writer answered batch \(batchID ?? "?") with an error: \(message)")
            default:
                throw WriterFeedError("an unexpected reply from the writer")
            }
        }
        outcome.seconds = start.duration(to: clock.now).seconds
        return outcome
    }
}

struct WriterFeedError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
