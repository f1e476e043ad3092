// swift-tools-version: 6.1
import PackageDescription

// The benchmark suite of issue 6, kept out of the root package so that `swift test` stays fast and
// the root package never depends on package-benchmark. scripts/bench builds and runs it.
let package = Package(
    name: "execlog-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path package is otherwise known by its folder name (a checkout can be named anything).
        .package(name: "execlog", path: ".."),
        // The repository ordo-one/package-benchmark was renamed ordo-one/benchmark; the plugin warns about the old identity.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Row 1: record() on the calling thread against the original design's insert + commit per call.
        // package-benchmark's plugin runs it (wall clock percentiles and malloc counters per call).
        .executableTarget(
            name: "RecordLatency",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ExecLog", package: "execlog"),
                .product(name: "ExecLogModel", package: "execlog"),
                .product(name: "ExecLogStore", package: "execlog"),
                .product(name: "ExecLogSimulation", package: "execlog"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "RecordLatency",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Rows 2–6: the measurements that need real processes, big stores or a clock across processes.
        .executableTarget(
            name: "execlog-bench",
            dependencies: [
                .product(name: "ExecLog", package: "execlog"),
                .product(name: "ExecLogModel", package: "execlog"),
                .product(name: "ExecLogStore", package: "execlog"),
                .product(name: "ExecLogPricing", package: "execlog"),
                .product(name: "ExecLogSimulation", package: "execlog"),
                .product(name: "ExecLogWire", package: "execlog"),
                .product(name: "ZeroMQ", package: "execlog"),
                .product(name: "ExecLogWriter", package: "execlog"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
