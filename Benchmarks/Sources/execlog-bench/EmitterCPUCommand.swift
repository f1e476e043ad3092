import ArgumentParser
import ExecLog
import ExecLogModel
import ExecLogSimulation
import Foundation
import Logging

/// Row e (issue 19): the emitter's CPU per event, the whole process (`getrusage(RUSAGE_SELF)`, every
/// thread: `record()` on this one, redaction, encoding and batching on the sender's, ZeroMQ's I/O
/// thread), over `--count` executions recorded through an `ExecutionLogger` to a real execlogd and
/// acknowledged. Once with the default content policy (`redacted`) and once with `full` (no filter),
/// and the filter alone over the same executions: redaction's share. Baseline, in the same process:
/// the same executions encoded by Foundation's `JSONEncoder`. The executions are made before any
/// measurement; each pass runs `--repetitions` times and the cheapest counts (a shared machine only
/// ever adds to a pass).
struct EmitterCPUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "emitter-cpu")

    @Option(help: "execlogd's endpoint (ipc://…).")
    var endpoint: String

    @Option(help: "Executions per pass.")
    var count: Int = 100_000

    @Option(help: "Approximate bytes of prompt content per execution (300 gives ~1.5 KB events).")
    var payloadBytes: Int = 300

    @Option(help: "Passes of each measurement; the cheapest counts.")
    var repetitions: Int = 3

    @Option(help: "Where to write the figures (JSON).")
    var out: String

    func run() throws {
        var options = ExecutionGenerator.Options()
        options.payloadBytes = payloadBytes
        var generator = ExecutionGenerator(seed: 19, options: options)
        var executions = (0..<count).map { _ in generator.next() }
        let eventBytes = executions.reduce(0) { $0 + $1.wireJSON().count } / max(1, count)

        var results = Results()
        results["events"] = Double(count)
        results["event_bytes"] = Double(eventBytes)
        var best: [String: Double] = [:]
        func keep(_ key: String, _ micros: Double) { best[key] = min(best[key] ?? .infinity, micros) }

        let filter = try ContentFilter(ContentPolicy())
        let encoder = JSONEncoder()
        var jsonEncoderBytes = 0
        for _ in 0..<repetitions {
            for (key, policy) in [("cpu", ContentPolicy()), ("cpu_no_redaction", ContentPolicy(capture: .full))] {
                // Fresh ids: each pass stores new rows rather than duplicates.
                for index in executions.indices { executions[index].id = .v7() }
                let pass = try loggerPass(executions, policy: policy)
                keep(key, pass.total)
                for (thread, micros) in pass.threads { keep("\(key)_\(thread)", micros) }
            }
            var redactions = 0
            keep("redaction", Self.cpuMicros(per: count) {
                for execution in executions { _ = filter.apply(execution, redactions: &redactions) }
            })
            keep("wire_encode", Self.cpuMicros(per: count) {
                for execution in executions { _ = execution.wireJSON() }
            })
            var bytes = 0
            var failure: Error?
            keep("jsonencoder", Self.cpuMicros(per: count) {
                do {
                    for execution in executions { bytes += try encoder.encode(EncodableExecution(execution)).count }
                } catch { failure = error }
            })
            if let failure { throw failure }
            jsonEncoderBytes = bytes / max(1, count)
        }
        for thread in ["recording", "sender", "zmq"] {
            results["cpu_\(thread)_us_per_event"] = best["cpu_\(thread)"]
            results["cpu_no_redaction_\(thread)_us_per_event"] = best["cpu_no_redaction_\(thread)"]
        }
        results["cpu_us_per_event"] = best["cpu"]
        results["cpu_no_redaction_us_per_event"] = best["cpu_no_redaction"]
        results["redaction_us_per_event"] = best["redaction"]
        results["wire_encode_us_per_event"] = best["wire_encode"]
        results["jsonencoder_us_per_event"] = best["jsonencoder"]
        results["jsonencoder_event_bytes"] = Double(jsonEncoderBytes)
        try results.write(to: out)
    }

    /// One pass through a logger: CPU µs per event from the first `record()` to the last ack, for the
    /// process and for each of its threads (`/proc`, 10 ms ticks: this thread, the sender, ZeroMQ's).
    /// Throws unless every execution was stored: a pass that dropped events measured less work.
    private func loggerPass(_ executions: [Execution], policy: ContentPolicy) throws
        -> (total: Double, threads: [String: Double])
    {
        var configuration = ExecutionLoggerConfiguration(endpoint: endpoint)
        configuration.contentPolicy = policy
        let log = ExecutionLogger(configuration: configuration, logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        defer { log.shutdownBlocking(timeout: .seconds(5)) }
        // Connected and warm before the clock starts: a copy of one execution, with its own id.
        var warmUp = executions[0]
        warmUp.id = .v7()
        log.record(warmUp)
        guard log.flushBlocking(timeout: .seconds(30)) else { throw BenchError("execlogd did not answer at \(endpoint)") }
        let before = log.counters
        let threadsBefore = Self.threadTicks()
        var flushed = false
        let micros = Self.cpuMicros(per: executions.count) {
            for (index, execution) in executions.enumerated() {
                // Kept under the 64 MiB queue bound, which a tight loop outruns (the writer stores
                // fewer events per second than this records): what is over it is dropped, and a
                // dropped event costs almost nothing. 20 ms naps, not 1 ms ones: each wakeup costs
                // this VM's kernel ~20 µs of CPU, which 1 ms naps added up to ~5 µs per event.
                if index % 256 == 0 {
                    while log.counters.bufferedBytes > 32 << 20 { usleep(20_000) }
                }
                log.record(execution)
            }
            flushed = log.flushBlocking(timeout: .seconds(600))
        }
        let threadsAfter = Self.threadTicks()
        var threads: [String: Double] = [:]
        for (thread, ticks) in threadsAfter {
            let kind = thread.id == getpid() ? "recording" : thread.name.hasPrefix("ZMQ") ? "zmq" : "sender"
            let spent = Double(ticks - (threadsBefore[thread] ?? 0)) * 1e6 / Double(sysconf(Int32(_SC_CLK_TCK)))
            threads[kind, default: 0] += spent / Double(executions.count)
        }
        let counters = log.counters
        let stored = counters.stored - before.stored
        guard flushed, stored == executions.count, counters.dropped == before.dropped else {
            throw BenchError("\(stored) of \(executions.count) stored, \(counters.dropped - before.dropped) dropped")
        }
        return (micros, threads)
    }

    struct ThreadID: Hashable {
        var id: Int32
        var name: String
    }

    /// utime + stime of every live thread of this process, in clock ticks.
    static func threadTicks() -> [ThreadID: Int] {
        var ticks: [ThreadID: Int] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for task in tasks {
            guard let id = Int32(task),
                let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { continue }
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? ""
            ticks[ThreadID(id: id, name: name)] = user + system
        }
        return ticks
    }

    /// User + system CPU of the whole process while `body` runs, in µs per `count`.
    static func cpuMicros(per count: Int, _ body: () -> Void) -> Double {
        func now() -> Double {
            var usage = rusage()
            getrusage(rusageSelf, &usage)
            let user = Double(usage.ru_utime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec)
            return user + Double(usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_stime.tv_usec)
        }
        let start = now()
        body()
        return (now() - start) / Double(max(1, count))
    }
}

/// RUSAGE_SELF: every thread of the process (Glibc imports the constant as an enum, not the C type).
private let rusageSelf = __rusage_who_t(0)

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The baseline's event: what a Codable struct with the wire's field names gives to `JSONEncoder`,
/// absent fields left out (synthesized `encodeIfPresent`), the id and time as the wire writes them.
private struct EncodableExecution: Encodable {
    let execution: Execution
    init(_ execution: Execution) { self.execution = execution }

    func encode(to encoder: Encoder) throws {
        var visitor = KeyedVisitor(container: encoder.container(keyedBy: AnyKey.self))
        try execution.visitFieldValues(&visitor)
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(_ name: StaticString) { stringValue = name.description }
}

private struct KeyedVisitor: ExecutionFieldVisitor {
    typealias Failure = any Error
    var container: KeyedEncodingContainer<AnyKey>

    mutating func id(_ name: StaticString, _ value: inout UUID) throws {
        try container.encode(value.uuidString.lowercased(), forKey: AnyKey(name))
    }
    mutating func uuid(_ name: StaticString, _ value: inout UUID?) throws {
        try container.encodeIfPresent(value?.uuidString.lowercased(), forKey: AnyKey(name))
    }
    mutating func requiredText(_ name: StaticString, _ value: inout String, length: ClosedRange<Int>) throws {
        try container.encode(value, forKey: AnyKey(name))
    }
    mutating func text(_ name: StaticString, _ value: inout String?, length: ClosedRange<Int>?) throws {
        try container.encodeIfPresent(value, forKey: AnyKey(name))
    }
    mutating func count(_ name: StaticString, _ value: inout Int?) throws {
        try container.encodeIfPresent(value, forKey: AnyKey(name))
    }
    mutating func number(_ name: StaticString, _ value: inout Double?, range: ClosedRange<Double>) throws {
        try container.encodeIfPresent(value, forKey: AnyKey(name))
    }
    mutating func time(_ name: StaticString, _ value: inout Date) throws {
        try container.encode(Timestamp.format(value), forKey: AnyKey(name))
    }
    mutating func tags(_ name: StaticString, _ value: inout [String]) throws {
        if !value.isEmpty { try container.encode(value, forKey: AnyKey(name)) }
    }
    mutating func object(_ name: StaticString, _ value: inout JSONValue?) throws {
        try container.encodeIfPresent(value.map(EncodableJSON.init), forKey: AnyKey(name))
    }
    mutating func messages(_ name: StaticString, _ value: inout JSONValue) throws {
        try container.encode(EncodableJSON(value), forKey: AnyKey(name))
    }
}

/// A JSON value as Codable code would model it: objects as dictionaries, arrays as arrays.
private struct EncodableJSON: Encodable {
    let value: JSONValue
    init(_ value: JSONValue) { self.value = value }

    func encode(to encoder: Encoder) throws {
        switch value {
        case .object(let members):
            try members.mapValues(EncodableJSON.init).encode(to: encoder)
        case .array(let elements):
            try elements.map(EncodableJSON.init).encode(to: encoder)
        default:
            var container = encoder.singleValueContainer()
            switch value {
            case .null: try container.encodeNil()
            case .bool(let flag): try container.encode(flag)
            case .int(let number): try container.encode(number)
            case .double(let number): try container.encode(number)
            case .string(let text): try container.encode(text)
            case .array, .object: break  // above
            }
        }
    }
}
