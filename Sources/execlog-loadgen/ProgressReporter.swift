import ExecLog
import Foundation

/// The `--progress-interval` lines of `emit`: every interval, one JSON object with the logger's
/// counters, the process's resident memory, and how long the `record()` calls of that interval took.
/// Tests read them to see what the host process lived through while the writer was stopped.
struct ProgressReporter {
    let interval: Duration
    private let start = ContinuousClock.now
    private var nextReport: ContinuousClock.Instant
    /// Nanoseconds of each `record()` call since the last line.
    private var recordNanoseconds: [Int64] = []

    init(interval: Duration) {
        self.interval = interval
        nextReport = start + interval
        recordNanoseconds.reserveCapacity(4_096)
    }

    mutating func recorded(in duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds.append(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Prints a line when one is due.
    mutating func reportIfDue(_ counters: EmitterCounters) {
        let now = ContinuousClock.now
        guard now >= nextReport else { return }
        report(counters)
        // Skip the intervals a long pause (the process stopped, the machine busy) jumped over.
        while nextReport <= now { nextReport += interval }
    }

    /// Prints a line now: the last one, at the end of a run.
    mutating func report(_ counters: EmitterCounters) {
        recordNanoseconds.sort()
        func percentile(_ fraction: Double) -> Double {
            guard !recordNanoseconds.isEmpty else { return 0 }
            let index = min(recordNanoseconds.count - 1, Int((Double(recordNanoseconds.count) * fraction).rounded(.down)))
            return Double(recordNanoseconds[index]) / 1_000
        }
        let fields: [(String, String)] = [
            ("at", String(format: "%.3f", Date().timeIntervalSince1970)),
            ("seconds", String(format: "%.3f", start.duration(to: .now) / .seconds(1))),
            ("records", "\(recordNanoseconds.count)"),
            ("record_p50_us", String(format: "%.2f", percentile(0.5))),
            ("record_p99_us", String(format: "%.2f", percentile(0.99))),
            ("record_max_us", String(format: "%.2f", (recordNanoseconds.last.map(Double.init) ?? 0) / 1_000)),
            ("rss_bytes", "\(Self.residentBytes())"),
            ("peak_rss_bytes", "\(Self.peakResidentBytes())"),
            ("buffered_bytes", "\(counters.bufferedBytes)"),
            ("recorded", "\(counters.recorded)"),
            ("acked", "\(counters.acked)"),
            ("queued", "\(counters.queued)"),
            ("in_flight", "\(counters.inFlight)"),
            ("spooled", "\(counters.spooled)"),
            ("spool_bytes", "\(counters.spoolBytes)"),
            ("dropped", "\(counters.dropped)"),
        ]
        print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        fflush(nil)  // a reader of the pipe sees each line as it is made
        recordNanoseconds.removeAll(keepingCapacity: true)
    }

    /// The process's highest resident set size so far (`VmHWM` of `/proc/self/status`): a peak
    /// between two reports counts too. 0 where there is none.
    static func peakResidentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return kilobytes * 1024
    }

    /// Resident set size from `/proc/self/statm` (pages), or 0 where there is none.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
