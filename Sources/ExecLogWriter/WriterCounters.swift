import ExecLogModel
import ExecLogWire
import Foundation
import Synchronization

/// The writer's running totals, shared by its two threads and read by `status`.
final class WriterCounters: Sendable {
    private let status: Mutex<WriterStatus>
    private let started = ContinuousClock.now

    init(configuration: WriterConfiguration, version: String) {
        var status = WriterStatus()
        status.startedAt = ISO8601DateFormatter().string(from: Date())
        status.store = configuration.storePath
        status.endpoints = configuration.endpoints
        status.version = version
        status.limits = WriterStatus.Limits(
            maxMessageBytes: configuration.maxMessageBytes, maxEventBytes: configuration.eventLimits.maxEventBytes,
            maxFieldBytes: configuration.eventLimits.maxFieldBytes, maxBatchEvents: configuration.maxBatchEvents)
        status.deadLetterRetentionSeconds = configuration.deadLetterRetention.map { Int($0.components.seconds) }
        status.maxDeadLetterBytes = configuration.maxDeadLetterBytes
        self.status = Mutex(status)
    }

    func update(_ body: (inout WriterStatus) -> Void) {
        status.withLock { status in body(&status) }
    }

    var snapshot: WriterStatus {
        var snapshot = status.withLock { $0 }
        snapshot.uptimeSeconds = (ContinuousClock.now - started) / .seconds(1)
        return snapshot
    }
}
