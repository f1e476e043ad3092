// swift-tools-version: 6.1
import PackageDescription

// The folders follow the pipeline: model → emitter → wire → writer → store → CLI.
let package = Package(
    name: "execlog",
    products: [
        .library(name: "ExecLog", targets: ["ExecLog"]),
        // For the Benchmarks/ sub-package, which measures the store and the simulated fleet directly.
        .library(name: "ExecLogModel", targets: ["ExecLogModel"]),
        .library(name: "ExecLogStore", targets: ["ExecLogStore"]),
        .library(name: "ExecLogPricing", targets: ["ExecLogPricing"]),
        .library(name: "ExecLogSimulation", targets: ["ExecLogSimulation"]),
        // For execlog-bench's writer-feed, a client that speaks the wire protocol itself (issue 19).
        .library(name: "ExecLogWire", targets: ["ExecLogWire"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        // For execlog-bench's bounds: the writer's defaults (WriterConfiguration), not numbers in a script.
        .library(name: "ExecLogWriter", targets: ["ExecLogWriter"]),
        .executable(name: "execlog", targets: ["execlog"]),
        .executable(name: "execlogd", targets: ["execlogd"]),
        .executable(name: "execlog-loadgen", targets: ["execlog-loadgen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Already in Hummingbird's graph: named for the one channel handler that answers unparsable requests.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // The execution record, its JSON form, validation, ids and timestamps.
        .target(name: "ExecLogModel"),

        // libzmq: the C library and our own small Swift wrapper around it.
        .systemLibrary(
            name: "CZeroMQ",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),

        // glibc's <malloc.h>: malloc_trim and mallinfo2, for the emitter's memory bound.
        .systemLibrary(name: "CMalloc"),

        // Wire protocol v1: message framing shared by the emitter and the writer.
        .target(
            name: "ExecLogWire",
            dependencies: ["ExecLogModel", .product(name: "Logging", package: "swift-log")]
        ),

        // The emitter library embedded in worker processes.
        .target(
            name: "ExecLog",
            dependencies: [
                "ExecLogModel", "ExecLogWire", "ZeroMQ", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Prices and costs: the table bundled from genai-prices' data (scripts/update-prices), a user's
        // TOML price file, and the arithmetic (docs/COST.md).
        .target(
            name: "ExecLogPricing",
            dependencies: ["ExecLogModel", "CExecLogPrices", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The bundled table's data (genai-prices.json and its licence), compiled in by C's #embed.
        .target(name: "CExecLogPrices", exclude: ["genai-prices.json", "LICENSE-genai-prices"]),

        // The SQLite store.
        .target(
            name: "ExecLogStore",
            dependencies: ["ExecLogModel", "ExecLogPricing", .product(name: "GRDB", package: "GRDB.swift")]
        ),

        // The writer: receives batches over ZeroMQ, validates, commits, acks.
        .target(
            name: "ExecLogWriter",
            dependencies: [
                "ExecLogModel", "ExecLogWire", "ExecLogStore", "ExecLogPricing", "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "execlogd",
            dependencies: [
                "ExecLogWriter", "ExecLogModel", "ExecLogStore", "ExecLogWire", "ExecLogArguments", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // What the flags of execlogd and execlog-loadgen share: the duration type, read by the one
        // duration rule. (`execlog` reads its values in run(), so that a bad one is one line and status 1.)
        .target(
            name: "ExecLogArguments",
            dependencies: ["ExecLogModel", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // The query CLI: logic in a library that tests call, a thin executable.
        .target(
            name: "ExecLogCLI",
            // ExecLog for the clients' one rule on endpoints and CURVE keys from the environment.
            dependencies: ["ExecLog", "ExecLogModel", "ExecLogStore", "ExecLogPricing", "ExecLogWire", "ZeroMQ"]
        ),
        // `execlog serve`: the REST API and the dashboard page, on Hummingbird.
        .target(
            name: "ExecLogServer",
            dependencies: [
                "ExecLogModel", "ExecLogStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            // The page and the OpenAPI document (a link to docs/openapi.yaml), compiled into the binary as
            // byte arrays (`PackageResources`): `execlog serve` never looks a file up at run time.
            resources: [
                .embedInCode("Assets/index.html"), .embedInCode("Assets/dashboard.css"),
                .embedInCode("Assets/dashboard.js"), .embedInCode("Assets/openapi.yaml"),
                // The page's ES modules, imported by dashboard.js.
                .embedInCode("Assets/format.js"), .embedInCode("Assets/api.js"), .embedInCode("Assets/charts.js"),
                .embedInCode("Assets/bars.js"), .embedInCode("Assets/table.js"), .embedInCode("Assets/drawer.js"),
                .embedInCode("Assets/timeline.js"), .embedInCode("Assets/filters.js"),
            ]
        ),
        .executableTarget(
            name: "execlog",
            dependencies: [
                "ExecLogCLI", "ExecLogStore", "ExecLogModel", "ExecLogPricing", "ExecLogWire", "ExecLogServer", "ZeroMQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Realistic executions for the load generator, the seeding tool and tests.
        .target(name: "ExecLogSimulation", dependencies: ["ExecLogModel"]),
        .executableTarget(
            name: "execlog-loadgen",
            dependencies: [
                "ExecLog", "ExecLogArguments", "ExecLogSimulation", "ExecLogStore", "ExecLogModel", "ExecLogWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Temp folders and the built executables, shared by the test targets.
        .target(name: "ExecLogTestSupport", path: "Tests/ExecLogTestSupport"),
        .testTarget(name: "ExecLogModelTests", dependencies: ["ExecLogModel", "ExecLogSimulation"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "ExecLogPricingTests", dependencies: ["ExecLogPricing", "ExecLogModel", "ExecLogTestSupport"]),
        .testTarget(
            name: "ExecLogWireTests",
            dependencies: ["ExecLogWire", "ExecLogModel", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "ExecLogTests",
            dependencies: ["ExecLog", "ExecLogWire", "ZeroMQ", "ExecLogModel", "ExecLogTestSupport", "CMalloc"]
        ),
        .testTarget(
            name: "ExecLogWriterTests",
            dependencies: [
                "ExecLogWriter", "ExecLogWire", "ExecLogStore", "ExecLogModel", "ExecLogSimulation", "ZeroMQ",
                "ExecLogTestSupport", "ExecLog",
            ]
        ),
        .testTarget(
            name: "ExecLogStoreTests",
            dependencies: [
                "ExecLogStore", "ExecLogModel", "ExecLogPricing", "ExecLogSimulation", "ExecLogTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "ExecLogCLITests",
            dependencies: [
                "ExecLogCLI", "ExecLogStore", "ExecLogModel", "ExecLogPricing", "ExecLogWire", "ExecLogSimulation",
                "ExecLogTestSupport",
            ]
        ),
        .testTarget(
            name: "ExecLogServerTests",
            dependencies: [
                "ExecLogServer", "ExecLogStore", "ExecLogModel", "ExecLogSimulation", "ExecLogTestSupport", "ExecLog",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The language's upcoming rules, for every Swift target: `any` spelled out for existentials, and a
// member visible only where its module is imported.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
