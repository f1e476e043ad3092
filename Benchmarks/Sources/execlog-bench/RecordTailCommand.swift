import ArgumentParser
import ExecLog
import ExecLogModel
import ExecLogSimulation
import Foundation
import Logging
import Synchronization

/// Row 1's tail, attributed: the same paced record() calls as the RecordLatency benchmark, each
/// timed in nanoseconds with this thread's context switches (getrusage RUSAGE_THREAD) read around
/// it, so a slow call can be told apart as "the thread was descheduled" (involuntary: preempted;
/// voluntary: it blocked, e.g. on a contended lock) or "the code itself was slow".
///
/// `--control` times the same loop around a lock and an append into a local array instead of
/// record(): the machine's own tail at this pacing, with no logger and no sender thread.
/// RUSAGE_THREAD: Glibc's module leaves it out (it needs _GNU_SOURCE).
private let rusageThread = __rusage_who_t(1)

struct RecordTailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record-tail")

    @Option(help: "The writer's endpoint (one nobody listens on measures the writer stopped).")
    var endpoint: String = "ipc:///tmp/execlog-bench-nobody.sock"

    @Option(help: "Calls per second; 0 for a tight loop.")
    var rate: Double = 5_000

    @Option(help: "Calls.")
    var count: Int = 20_000

    @Option(help: "A call slower than this, in microseconds, is counted as slow.")
    var slowMicros: Double = 16

    @Flag(help: "Time a lock and an append instead of record() (no logger).")
    var control = false

    @Flag(help: "Sleep between calls, as a worker waiting for its model, instead of spinning.")
    var sleep = false

    @Option(help: "The logger's batchInterval in milliseconds; 0 signals the sender on every record.")
    var batchIntervalMs: Int = 20

    @Option(help: "Where to write the figures (JSON).")
    var out: String?

    func run() throws {
        var options = ExecutionGenerator.Options()
        options.payloadBytes = 300  // as the RecordLatency benchmark
        var generator = ExecutionGenerator(seed: 6, options: options)
        let pool = (0..<4_096).map { _ in generator.next() }
        let log =
            control
            ? nil
            : ExecutionLogger(
                configuration: ExecutionLoggerConfiguration(
                    endpoint: endpoint, batchInterval: .milliseconds(batchIntervalMs)),
                logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        let local = Mutex<[Execution]>([])

        var nanos = [Int](repeating: 0, count: count)
        var involuntary = [Int](repeating: 0, count: count)
        var voluntary = [Int](repeating: 0, count: count)
        let clock = ContinuousClock()
        let start = clock.now
        var before = rusage()
        var after = rusage()
        for index in 0..<count {
            if rate > 0 {
                let due = start + .nanoseconds(Int64(Double(index) * 1e9 / rate))
                if sleep {
                    let ahead = clock.now.duration(to: due)
                    if ahead > .zero { usleep(UInt32(ahead / .microseconds(1))) }
                }
                while clock.now < due {}
            }
            var execution = pool[index % pool.count]
            execution.id = .v7()
            getrusage(rusageThread, &before)
            let callStart = clock.now
            if let log {
                log.record(execution)
            } else {
                local.withLock { list in
                    if list.count == 4_096 { list.removeAll(keepingCapacity: true) }
                    list.append(execution)
                }
            }
            let callEnd = clock.now
            getrusage(rusageThread, &after)
            let (seconds, attoseconds) = callStart.duration(to: callEnd).components
            nanos[index] = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            involuntary[index] = after.ru_nivcsw - before.ru_nivcsw
            voluntary[index] = after.ru_nvcsw - before.ru_nvcsw
        }
        let counters = log?.counters
        log?.shutdownBlocking(timeout: .seconds(2))

        func percentile(_ values: [Int], _ p: Double) -> Double {
            guard !values.isEmpty else { return 0 }
            let sorted = values.sorted()
            return Double(sorted[min(sorted.count - 1, Int((Double(sorted.count) * p / 100).rounded(.up)) - 1)]) / 1_000
        }
        let slow = Int(slowMicros * 1_000)
        let slowIndices = nanos.indices.filter { nanos[$0] > slow }
        let undisturbed = nanos.indices.filter { involuntary[$0] == 0 && voluntary[$0] == 0 }.map { nanos[$0] }
        var results = Results()
        results["calls"] = Double(count)
        results["p50_us"] = percentile(nanos, 50)
        results["p99_us"] = percentile(nanos, 99)
        results["p99_9_us"] = percentile(nanos, 99.9)
        results["max_us"] = percentile(nanos, 100)
        results["slow_calls"] = Double(slowIndices.count)
        results["slow_preempted"] = Double(slowIndices.filter { involuntary[$0] > 0 }.count)
        results["slow_blocked"] = Double(slowIndices.filter { voluntary[$0] > 0 }.count)
        results["calls_preempted"] = Double(involuntary.filter { $0 > 0 }.count)
        results["calls_blocked"] = Double(voluntary.filter { $0 > 0 }.count)
        results["undisturbed_p99_us"] = percentile(undisturbed, 99)
        results["undisturbed_p99_9_us"] = percentile(undisturbed, 99.9)
        if let counters {
            results["dropped"] = Double(counters.dropped)
            results["batches_sent"] = Double(counters.batchesSent)
        }
        if let out {
            try results.write(to: out)
        } else {
            let data = try JSONSerialization.data(withJSONObject: results.values, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
