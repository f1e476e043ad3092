import Foundation
import Histogram

/// One measurement's figures: a flat JSON object of numbers, written to a file that `report` reads.
struct Results {
    private(set) var values: [String: Double] = [:]

    subscript(key: String) -> Double? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Writes the figures to `path` (and echoes them on standard error for the log of the run).
    func write(to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
        FileHandle.standardError.write(data + Data("\n".utf8))
    }

    static func read(from path: String) throws -> [String: Double] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Double]) ?? [:]
    }
}

/// Latencies in microseconds with 3 significant digits, from 1 µs to an hour.
struct LatencyHistogram {
    var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)

    mutating func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let micros = max(1, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        _ = histogram.record(UInt64(min(micros, 3_600_000_000)))
    }

    /// The value at `percentile` (0–100), in milliseconds.
    func milliseconds(at percentile: Double) -> Double {
        Double(histogram.valueAtPercentile(percentile)) / 1_000
    }

    var count: Int { Int(histogram.totalCount) }
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15 }
    var seconds: Double { milliseconds / 1_000 }
}

/// Runs `body` `repetitions` times and returns the latencies: queries are fast and noisy on a shared
/// machine, so each is repeated and its median reported.
func measure(_ repetitions: Int, _ body: () throws -> Void) rethrows -> LatencyHistogram {
    var histogram = LatencyHistogram()
    let clock = ContinuousClock()
    for _ in 0..<repetitions {
        let start = clock.now
        try body()
        histogram.record(start.duration(to: clock.now))
    }
    return histogram
}
