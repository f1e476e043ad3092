import Foundation
import Histogram

/// Reads what `swift package benchmark --format histogramEncoded` exported: for each benchmark and
/// metric, its HdrHistogram serialized as JSON, named `BASELINE.TARGET.NAME.METRIC.histogram.json`
/// (spaces and slashes in the name turned into `_`). The percentiles are computed here, because the
/// tool's own tables stop at p99 and scripts/bench needs p99.9.
///
/// Keys: `NAME.METRIC.pXX` with the name's underscores turned back into spaces, e.g.
/// `record() writer up.wallClock.p99.9` (nanoseconds: the benchmarks use `timeUnits: .nanoseconds`).
enum PackageBenchmarkExport {
    static func load(_ folder: String) throws -> [String: Double] {
        var figures: [String: Double] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".histogram.json") {
            let parts = file.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 6 else { continue }
            let name = parts[2].replacingOccurrences(of: "_", with: " ")
            let metric = parts[3]
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
            let histogram = try JSONDecoder().decode(Histogram<UInt64>.self, from: data)
            for (label, percentile) in [("p50", 50.0), ("p99", 99.0), ("p99.9", 99.9), ("max", 100.0)] {
                figures["\(name).\(metric).\(label)"] = Double(histogram.valueAtPercentile(percentile))
            }
            figures["\(name).\(metric).count"] = Double(histogram.totalCount)
        }
        return figures
    }
}
