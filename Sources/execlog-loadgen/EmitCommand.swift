import ArgumentParser
import ExecLog
import ExecLogArguments
import ExecLogModel
import ExecLogSimulation
import ExecLogWire
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Emits simulated executions through `ExecutionLogger`, exactly as worker processes embed it, and
/// reports what the writer acknowledged: the end-to-end load test of emitter and daemon.
struct EmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Send simulated executions to execlogd through the ExecLog library, as workers do.",
        discussion: """
            Each process records part of its executions with track { } (a simulated model call) and the \
            rest with record(), then flushes, shuts down and prints a summary. Exits with status 1 if any \
            execution was dropped, or was neither acknowledged nor left in the spool (--spool-dir).
            """
    )

    @Option(help: "The writer's endpoint (default: $\(WireEndpoint.environmentKey), else \(WireEndpoint.defaultEndpoint)).")
    var endpoint: String?

    @Option(help: "How many executions in all.")
    var count: Int = 10_000

    @Option(help: "Executions per second over all processes; 0 means as fast as possible.")
    var rate: Double = 0

    @Option(help: "Worker processes to start, each emitting its share with its own random stream.")
    var processes: Int = 1

    @Option(help: "Share of executions recorded through track { }; the rest go through record().")
    var trackRatio: Double = 0.25

    @Option(help: "Tracked model calls in flight at once per process, as a worker serving many requests.")
    var concurrency: Int = 256

    @Option(help: "Tracked calls take their simulated latency times this (0 = return at once).")
    var latencyScale: Double = 1

    @Option(help: ArgumentHelp(
        "Append the emitted execution ids to this file, one per line.",
        discussion: "Written ahead of the record() calls, in chunks: after a crash the file holds every id recorded, and at most a chunk more."))
    var idsOut: String?

    @Option(help: ArgumentHelp(
        "Spool folder of the ExecLog library (default: $EXECLOG_SPOOL_DIR, else none).",
        discussion: "With --processes N, process i uses the subfolder DIR/i. At the end, emit waits (up to --flush-timeout) until the spool is empty: a run with --count 0 delivers what earlier runs left there."))
    var spoolDir: String?

    @Option(help: "How long to wait at the end for the writer's acks (e.g. 60s, 500ms, 2m; a unit is required). Default: 10m.", transform: DurationArgument.parse)
    var flushTimeout: DurationArgument = DurationArgument(.seconds(600))

    @Option(help: "Print one JSON line of progress (counters, RSS, record() latency) this often, e.g. 1s. One process only.", transform: DurationArgument.parse)
    var progressInterval: DurationArgument?

    @Option(help: ArgumentHelp(
        "Generate this many executions before starting, then record them in turn, each with a fresh id and time (0: generate each one as it is recorded).",
        discussion: "For measuring the writer: the emitters then spend their CPU on what the ExecLog library does (record, redact, encode, send), not on making up executions."))
    var pool: Int = 0

    @Flag(help: "Also print the summary as one JSON object.")
    var json = false

    /// Set by a parent process for its children: which random stream of the seed to use.
    @Option(help: .hidden)
    var stream: UInt64 = 0

    @OptionGroup var generatorOptions: GeneratorOptions

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be ≥ 0") }
        guard rate == 0 || (rate >= 0.001 && rate.isFinite) else {
            throw ValidationError("--rate must be 0 (as fast as possible) or at least 0.001")
        }
        guard processes >= 1 else { throw ValidationError("--processes must be ≥ 1") }
        guard pool >= 0 else { throw ValidationError("--pool must be ≥ 0") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be ≥ 1") }
        guard latencyScale >= 0, latencyScale.isFinite else { throw ValidationError("--latency-scale must be ≥ 0") }
        guard (0...1).contains(trackRatio) else { throw ValidationError("--track-ratio must be between 0 and 1") }
        if let progressInterval {
            guard processes == 1 else { throw ValidationError("--progress-interval needs --processes 1") }
            guard progressInterval.duration > .zero else { throw ValidationError("--progress-interval must be > 0") }
        }
        if spoolDir?.isEmpty == true { throw ValidationError("--spool-dir must not be empty") }
    }

    func run() async throws {
        let summary = processes > 1 ? try await runChildren() : try await emit()
        print(summary.humanLine)
        if json { print(summary.jsonLine) }
        if !summary.nothingLost { throw ExitCode(1) }
    }

    // MARK: - One process

    private func emit() async throws -> EmitSummary {
        var configuration: ExecutionLoggerConfiguration
        do {
            configuration = try .fromEnvironment()
            if let endpoint { configuration.endpoint = endpoint }
            if let spoolDir { configuration.spoolDirectory = spoolDir }
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        let log = ExecutionLogger(configuration: configuration, logger: Logger(label: "execlog-loadgen"))
        var generator = generatorOptions.generator(stream: stream)
        let pooled = (0..<min(pool, count)).map { _ in generator.next() }
        var progress = progressInterval.map { ProgressReporter(interval: $0.duration) }

        let start = ContinuousClock.now
        let spacing: Duration? = rate > 0 ? .nanoseconds(Int64(1e9 / rate)) : nil
        var tracked = 0
        // Tracked calls run concurrently and take their simulated latency, so that `track` measures
        // durations like a real worker's; record() calls are made inline.
        try await withThrowingTaskGroup(of: Void.self) { calls in
            var callsInFlight = 0
            var index = 0
            while index < count {
                // Ids go to the file before their executions are recorded, so that a process killed
                // at any moment has written every id it recorded (and at most a chunk more).
                let chunk = (0..<min(Self.chunkSize, count - index)).map { offset in
                    pooled.isEmpty ? generator.next() : Self.fresh(pooled[(index + offset) % pooled.count])
                }
                if let idsOut { try Self.append(chunk.map(\.idString), to: idsOut) }
                for execution in chunk {
                    if let spacing {
                        // Keep to the schedule on average; sleeping for less than a millisecond costs more than it paces.
                        let due = start + spacing * index
                        if due > .now + .milliseconds(1) { try await Task.sleep(until: due) }
                    } else if configuration.spoolDirectory == nil {
                        try await Self.waitForRoom(in: log)
                    }
                    // Spread the tracked ones evenly: the n-th execution is tracked when the running share falls behind.
                    if Double(tracked) < Double(index + 1) * trackRatio {
                        tracked += 1
                        if callsInFlight == concurrency {
                            try await calls.next()
                            callsInFlight -= 1
                        }
                        let latency = Duration.milliseconds(Double(execution.executionTimeMs ?? 0) * latencyScale)
                        calls.addTask { await Self.track(execution, latency: latency, with: log) }
                        callsInFlight += 1
                    } else {
                        let before = ContinuousClock.now
                        log.record(execution)
                        progress?.recorded(in: before.duration(to: .now))
                    }
                    progress?.reportIfDue(log.counters)
                    index += 1
                }
            }
            try await calls.waitForAll()
        }

        let deadline = ContinuousClock.now + flushTimeout.duration
        _ = await log.flush(timeout: flushTimeout.duration)
        if configuration.spoolDirectory != nil {
            // What the spool holds (this run's overflow, or what earlier runs left) counts as delivered
            // only once acked; a segment file is deleted when all its events are.
            while ContinuousClock.now < deadline {
                let counters = log.counters
                if counters.spoolBytes == 0, counters.queued == 0, counters.inFlight == 0 { break }
                progress?.reportIfDue(counters)
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        await log.shutdown(timeout: .seconds(1))
        let seconds = start.duration(to: .now) / .seconds(1)

        let counters = log.counters
        progress?.report(counters)
        return EmitSummary(
            emitted: counters.recorded, acked: counters.acked, stored: counters.stored,
            duplicates: counters.duplicates, rejected: counters.rejected, dropped: counters.dropped,
            spooled: counters.spooled, replayed: counters.replayed, seconds: seconds)
    }

    /// "As fast as possible" means as fast as the pipeline takes it: a real worker never outruns its
    /// writer by 64 MiB, so the simulator waits while the queue is nearly full, rather than measure
    /// the emitter's drop path. It stops waiting once the writer has acked nothing for a second
    /// (absent or stopped): then the drops are what the run is about. With a spool, it never waits.
    private static func waitForRoom(in log: ExecutionLogger) async throws {
        let limit = log.configuration.maxQueueBytes / 4 * 3
        var counters = log.counters
        var lastProgress = ContinuousClock.now
        while counters.bufferedBytes > limit, lastProgress.duration(to: .now) < .seconds(1) {
            let acked = counters.acked
            try await Task.sleep(for: .milliseconds(2))
            counters = log.counters
            if counters.acked != acked { lastProgress = .now }
        }
    }

    /// A pooled execution made new: its own id, created now.
    private static func fresh(_ execution: Execution) -> Execution {
        var execution = execution
        execution.createdAt = Date()
        execution.id = UUID.v7(at: execution.createdAt)
        return execution
    }

    /// Executions generated (and their ids written) at a time.
    private static let chunkSize = 256

    /// What a worker's model call looks like with logging: the generator's values stand for the
    /// provider's answer, or its error.
    private static func track(_ execution: Execution, latency: Duration, with log: ExecutionLogger) async {
        do {
            _ = try await log.track(
                id: execution.id, usageType: execution.usageType, provider: execution.provider,
                model: execution.modelName, inputMessages: execution.inputMessages,
                systemPrompt: execution.systemPrompt, temperature: execution.temperature,
                maxTokens: execution.maxTokens, metadata: execution.executionMetadata, traceID: execution.traceID,
                sessionID: execution.sessionID, userID: execution.userID, tags: execution.tags
            ) { () async throws(SimulatedModelError) -> ModelOutput<Void> in
                try? await Task.sleep(for: latency)
                if let message = execution.errorMessage { throw SimulatedModelError(message: message) }
                return ModelOutput(
                    (), content: execution.responseContent,
                    usage: ModelUsage(
                        inputTokens: execution.inputTokens, outputTokens: execution.outputTokens,
                        cachedInputTokens: execution.cachedInputTokens, totalTokens: execution.totalTokens),
                    finishReason: execution.finishReason,
                    timeToFirstToken: execution.timeToFirstTokenMs.map { .milliseconds($0) })
            }
        } catch {
            // A simulated provider error: track has recorded it; a worker would handle it here.
        }
    }

    /// Appends with one `write` on an `O_APPEND` descriptor, so processes appending to the same
    /// file at once never interleave their lines.
    private static func append(_ ids: [String], to path: String) throws {
        guard !ids.isEmpty else { return }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LoadgenError.idsFile(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var text = ids.joined(separator: "\n")
        text += "\n"
        try text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw LoadgenError.idsFile(path: path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }

    // MARK: - Several processes

    /// Starts `processes` copies of this executable, each emitting its share with its own random
    /// stream, waits for them all and adds up their summaries.
    private func runChildren() async throws -> EmitSummary {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let start = ContinuousClock.now
        var children: [(process: Process, output: Pipe)] = []
        for index in 0..<processes {
            let share = count / processes + (index < count % processes ? 1 : 0)
            var arguments = [
                "emit", "--count", "\(share)", "--rate", "\(rate / Double(processes))", "--processes", "1",
                "--track-ratio", "\(trackRatio)", "--pool", "\(pool)", "--concurrency", "\(concurrency)", "--latency-scale", "\(latencyScale)", "--flush-timeout", flushTimeout.description, "--json",
                "--stream", "\(stream &* UInt64(processes) &+ UInt64(index))",
                "--error-ratio", "\(generatorOptions.errorRatio)",
                "--payload-bytes", "\(generatorOptions.payloadBytes)", "--seed", "\(generatorOptions.seed)",
                "--repeat-system-prompt-bytes", "\(generatorOptions.repeatSystemPromptBytes)",
            ]
            if let endpoint { arguments += ["--endpoint", endpoint] }
            if let idsOut { arguments += ["--ids-out", idsOut] }
            if let spoolDir { arguments += ["--spool-dir", spoolDir + "/\(index)"] }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output  // stderr (the logs) is inherited
            try process.run()
            children.append((process, output))
        }

        // Wait for every child before judging any, so none is left running behind an error.
        var results: [(Data, Int32)] = []
        for child in children {
            results.append(await Self.waitForExit(child.process, output: child.output))
        }
        var total = EmitSummary()
        for (index, (data, status)) in results.enumerated() {
            let text = String(decoding: data, as: UTF8.self)
            guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
                let summary = try? JSONDecoder().decode(EmitSummary.self, from: Data(line.utf8))
            else {
                throw LoadgenError.childWithoutSummary(index: index + 1, status: status)
            }
            total.add(summary)
        }
        total.seconds = start.duration(to: .now) / .seconds(1)
        return total
    }

    /// Reads a child's output to the end and reaps it on a plain thread: both block.
    private static func waitForExit(_ process: Process, output: Pipe) async -> (Data, Int32) {
        let box = UncheckedBox((process, output))
        return await withCheckedContinuation { continuation in
            Thread {
                let (process, output) = box.value
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (data, process.terminationStatus))
            }.start()
        }
    }
}

/// Hands a `Process` to the one thread that waits for it; nothing else touches it meanwhile.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

struct SimulatedModelError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// What `emit` prints: one process's result, or the sum over its children.
struct EmitSummary: Codable, Equatable {
    var emitted = 0
    var acked = 0
    var stored = 0
    var duplicates = 0
    var rejected = 0
    var dropped = 0
    /// Left in the spool at the end, for the next run on the same folder to deliver.
    var spooled = 0
    /// Taken from the spool that earlier runs left, and sent.
    var replayed = 0
    var seconds = 0.0

    mutating func add(_ other: EmitSummary) {
        emitted += other.emitted
        acked += other.acked
        stored += other.stored
        duplicates += other.duplicates
        rejected += other.rejected
        dropped += other.dropped
        spooled += other.spooled
        replayed += other.replayed
    }

    /// Every execution is acked or waits in a spool: none was dropped.
    var nothingLost: Bool { dropped == 0 && acked + spooled >= emitted + replayed }

    var humanLine: String {
        let perSecond = seconds > 0 ? Int((Double(emitted) / seconds).rounded()) : 0
        return "emitted \(emitted), acked \(acked) (stored \(stored), duplicates \(duplicates), "
            + "rejected \(rejected)), dropped \(dropped)"
            + (spooled + replayed > 0 ? ", left in the spool \(spooled), replayed from the spool \(replayed)" : "")
            + " in \(String(format: "%.2f", seconds)) s "
            + "(\(perSecond) per second)"
    }

    /// The keys in a fixed, readable order.
    var jsonLine: String {
        "{\"emitted\":\(emitted),\"acked\":\(acked),\"stored\":\(stored),\"duplicates\":\(duplicates),"
            + "\"rejected\":\(rejected),\"dropped\":\(dropped),\"spooled\":\(spooled),\"replayed\":\(replayed),"
            + "\"seconds\":\(String(format: "%.3f", seconds))}"
    }
}
