import ExecLogModel
import Foundation

/// A drop report as the store keeps it: the emitter's report and when the writer received it
/// (table `emitter_drops`, docs/STORE.md).
public struct StoredDropReport: Sendable, Equatable {
    public var report: DropReport
    public var receivedAt: Date

    public init(_ report: DropReport, receivedAt: Date = Date()) {
        self.report = report
        self.receivedAt = receivedAt
    }
}
