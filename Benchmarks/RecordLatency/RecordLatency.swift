// Row 1 of issue 6: what logging costs the worker's own thread.
//
// - `record() writer up`: ExecutionLogger.record() with execlogd listening ($EXECLOG_BENCH_ENDPOINT).
// - `record() writer stopped`: the same against an ipc endpoint nobody listens on: the queue fills
//   (up to its 64 MiB bound) and, past it, record() takes the drop path.
// - `baseline insert+commit FULL`: the original design's path, one INSERT and one COMMIT per call
//   through ExecutionStore with synchronous=FULL, into the same store the writer uses ($EXECLOG_BENCH_DB).
//
// One benchmark iteration is one call, so package-benchmark's wall-clock percentiles are per-call
// latencies and its malloc counters are allocations per call. scripts/bench runs this target and reads
// the percentiles it exports.

import Benchmark
import ExecLog
import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import Foundation
import Logging

/// State shared between a benchmark's setup, its iterations and its teardown. package-benchmark runs
/// them one after another on one thread, never at once.
final class Fixture: @unchecked Sendable {
    var executions: [Execution] = []
    var next = 0
    var logger: ExecutionLogger?
    var store: ExecutionStore?
    var start = ContinuousClock.now

    /// Pre-made executions (~1.5 KB of JSON each), so that generating them is never measured; each gets a
    /// fresh UUIDv7 at use, so that a row is never a duplicate of an earlier run's.
    func prepare(count: Int) {
        var options = ExecutionGenerator.Options()
        options.payloadBytes = 300  // ~1.5 KB of JSON on average, as row 2's small events
        var generator = ExecutionGenerator(seed: 6, options: options)
        executions = (0..<min(count, 4_096)).map { _ in generator.next() }
        next = 0
        start = .now
    }

    func take() -> Execution {
        var execution = executions[next % executions.count]
        execution.id = .v7()
        next += 1
        return execution
    }

    /// Keeps the calls at `rate` per second: a worker fleet at a rate the writer sustains, not a tight
    /// loop that would only measure how fast the 64 MiB queue fills and then the drop path.
    func pace(rate: Double) {
        let due = start + .nanoseconds(Int64(Double(next) * 1e9 / rate))
        while ContinuousClock.now < due {}
    }
}

let environment = ProcessInfo.processInfo.environment
let quick = environment["EXECLOG_BENCH_QUICK"] == "1"
/// Calls per second for the record() benchmarks.
let recordRate = 5_000.0
let recordIterations = quick ? 10_000 : 100_000
let baselineIterations = quick ? 300 : 2_000
let nobodyListening = "ipc:///tmp/execlog-bench-nobody-\(getpid()).sock"

func loggerConfiguration(endpoint: String) -> ExecutionLoggerConfiguration {
    ExecutionLoggerConfiguration(endpoint: endpoint)
}

let benchmarks: @Sendable () -> Void = {
    // No .cpuTotal: package-benchmark reads it from /proc/self/stat and /proc/self/io, allocating,
    // inside the window its malloc counter covers; those 16 allocations were counted as record()'s.
    let metrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal]
    let silent = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

    for (name, endpoint) in [
        ("record() writer up", environment["EXECLOG_BENCH_ENDPOINT"]),
        ("record() writer stopped", nobodyListening),
    ] {
        guard let endpoint else { continue }
        let fixture = Fixture()
        Benchmark(
            name,
            configuration: .init(
                metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 100, maxDuration: .seconds(600),
                maxIterations: recordIterations,
                setup: {
                    fixture.prepare(count: recordIterations)
                    fixture.logger = ExecutionLogger(configuration: loggerConfiguration(endpoint: endpoint), logger: silent)
                },
                teardown: {
                    await fixture.logger?.shutdown(timeout: .seconds(5))
                    fixture.logger = nil
                })
        ) { benchmark in
            fixture.pace(rate: recordRate)
            let execution = fixture.take()
            benchmark.startMeasurement()
            fixture.logger!.record(execution)
        }
    }

    if let path = environment["EXECLOG_BENCH_DB"] {
        let fixture = Fixture()
        Benchmark(
            "baseline insert+commit FULL",
            configuration: .init(
                metrics: metrics, timeUnits: .nanoseconds, warmupIterations: 10, maxDuration: .seconds(600),
                maxIterations: baselineIterations,
                setup: { fixture.prepare(count: baselineIterations) },
                teardown: { fixture.store = nil })
        ) { benchmark in
            // Opened on the first (warm-up) call: ExecutionStore blocks, and setup runs in async context.
            if fixture.store == nil {
                fixture.store = try! ExecutionStore(path: path, mode: .readWrite, synchronous: .full)
            }
            let execution = fixture.take()
            benchmark.startMeasurement()
            try! fixture.store!.insert([execution])
        }
    }
}
