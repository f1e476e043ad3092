import Dispatch
import ExecLogModel
import ExecLogWire
import Foundation
import Synchronization
import Testing
import ZeroMQ

/// A stand-in for `execlogd`: a ROUTER on its own thread that reads batches, "stores" their events
/// in a set (so a resend is counted as duplicates, like the real writer) and acks them. Drop reports
/// likewise, or, with `acceptsReports: false`, it answers them as a writer older than reports does.
final class FakeWriter: Sendable {
    enum Behavior: Sendable {
        /// Ack every batch.
        case ack
        /// Swallow the first reply, as if it were lost on the way; ack the rest.
        case dropFirstReply
        /// Answer every batch with an `error` message.
        case errorReply
        /// Read everything, answer nothing (a writer that dies before its commit).
        case silent
    }

    struct ReceivedBatch: Sendable, Equatable {
        var id: String
        var eventIDs: [String]
    }

    private struct State {
        var batches: [ReceivedBatch] = []
        /// Raw JSON by event id: decoding every event fully would make the fake ten times slower
        /// than the emitter it tests.
        var stored: [String: [UInt8]] = [:]
        var repliesDropped = 0
        var bindError: String?
        /// Drop reports by id, and every report message received (resends included).
        var reports: [String: DropReport] = [:]
        var reportMessages = 0
    }

    let endpoint: String
    private let behavior: Behavior
    private let acceptsReports: Bool
    private let state = Mutex(State())
    private let stopSignal: WakeupSignal
    private let started = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let stopRequested = Atomic<Bool>(false)

    /// Binds (on the writer's thread) before returning.
    init(endpoint: String, behavior: Behavior = .ack, acceptsReports: Bool = true) throws {
        self.endpoint = endpoint
        self.behavior = behavior
        self.acceptsReports = acceptsReports
        stopSignal = try WakeupSignal()
        let thread = Thread { [self] in run() }
        thread.name = "fake-writer"
        thread.start()
        #expect(started.wait(timeout: .now() + 5) == .success)
        if let error = state.withLock({ $0.bindError }) {
            stop()
            throw WriterError(message: error)
        }
    }

    struct WriterError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    deinit { stop() }

    /// Stops the thread and closes the socket. Idempotent.
    func stop() {
        guard !stopRequested.exchange(true, ordering: .relaxed) else { return }
        stopSignal.signal()
        #expect(stopped.wait(timeout: .now() + 5) == .success)
    }

    var batches: [ReceivedBatch] { state.withLock { $0.batches } }
    var storedIDs: Set<String> { state.withLock { Set($0.stored.keys) } }
    /// Drop reports stored, one per id.
    var dropReports: [DropReport] { state.withLock { Array($0.reports.values) } }
    var reportMessages: Int { state.withLock { $0.reportMessages } }

    /// A stored event, decoded and validated as the real writer would.
    func execution(_ id: UUID) throws -> Execution {
        let json = try #require(state.withLock { $0.stored[id.uuidString.lowercased()] })
        return try Execution.decodeEvent(json)
    }

    private func run() {
        defer { stopped.signal() }
        let context = ZMQContext()
        let router: ZMQSocket
        do {
            router = try ZMQSocket(context: context, type: .router)
            try router.setOption(.linger, value: 0)
            try router.bind(endpoint)
        } catch {
            state.withLock { $0.bindError = "\(error)" }
            started.signal()
            return
        }
        started.signal()
        var items = [PollItem(router), PollItem(stopSignal)]
        do {
            while true {
                _ = try Poller.poll(&items, timeoutMilliseconds: 1000)
                if items[1].isReadable { break }
                while let frames = try router.receive(dontWait: true) {
                    if let reply = handle(frames) { _ = try router.send(reply, dontWait: true) }
                }
            }
        } catch {
            Issue.record("fake writer: \(error)")
        }
        router.close()
    }

    /// The reply (routing-id frame first), or nil to send none.
    private func handle(_ frames: [[UInt8]]) -> [[UInt8]]? {
        guard frames.count >= 2 else { return nil }
        let routingID = frames[0]
        let message: WireMessage
        do {
            message = try WireMessage(frames: Array(frames[1...]))
        } catch {
            return [routingID] + WireMessage.error(batchID: error.batchID, message: error.message).frames
        }
        if case .report(let id, let report) = message { return handleReport(id: id, report, routingID: routingID) }
        guard case .batch(let batchID, let events) = message else { return nil }
        let reply = state.withLock { state -> WireMessage? in
            var ack = Ack(stored: 0, duplicates: 0)
            var ids: [String] = []
            for (index, event) in events.enumerated() {
                // A cheap stand-in for the writer's validation: an id, and a usage type.
                guard let object = try? JSONSerialization.jsonObject(with: Data(event)) as? [String: Any],
                    let id = object["id"] as? String
                else {
                    ack.rejected.append(.init(index: index, id: nil, error: "not an event"))
                    continue
                }
                ids.append(id)
                guard let usageType = object["usage_type"] as? String, !usageType.isEmpty else {
                    ack.rejected.append(.init(index: index, id: id, error: "usage_type: must not be empty"))
                    continue
                }
                if state.stored[id] == nil {
                    state.stored[id] = event
                    ack.stored += 1
                } else {
                    ack.duplicates += 1
                }
            }
            state.batches.append(ReceivedBatch(id: batchID, eventIDs: ids))
            switch behavior {
            case .ack:
                return .ack(batchID: batchID, ack)
            case .dropFirstReply:
                if state.repliesDropped == 0 {
                    state.repliesDropped += 1
                    return nil
                }
                return .ack(batchID: batchID, ack)
            case .errorReply:
                return .error(batchID: batchID, message: "refused by the test")
            case .silent:
                return nil
            }
        }
        return reply.map { [routingID] + $0.frames }
    }

    private func handleReport(id: String, _ report: DropReport, routingID: [UInt8]) -> [[UInt8]]? {
        guard acceptsReports else {
            // What an execlogd from before drop reports answers.
            return [routingID] + WireMessage.error(batchID: id, message: "unknown verb \"report\"").frames
        }
        let reply = state.withLock { state -> WireMessage? in
            state.reportMessages += 1
            let isNew = state.reports.updateValue(state.reports[report.idString] ?? report, forKey: report.idString) == nil
            switch behavior {
            case .silent: return nil
            case .errorReply: return .error(batchID: id, message: "refused by the test")
            case .ack, .dropFirstReply: return .ack(batchID: id, Ack(stored: isNew ? 1 : 0, duplicates: isNew ? 0 : 1))
            }
        }
        return reply.map { [routingID] + $0.frames }
    }
}

/// A fresh folder for ipc socket files, removed on deinit. Short: a socket path must fit in 108 bytes.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/execlog-emit.XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = try #require(created.map { String(cString: $0) })
    }

    func endpoint(_ name: String = "writer.sock") -> String { "ipc://\(path)/\(name)" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A small valid execution; `payload` bytes of user message.
func sampleExecution(_ index: Int, payload: Int = 200) -> Execution {
    Execution(
        usageType: "general",
        inputMessages: [["role": "user", "content": .string("\(index) " + String(repeating: "x", count: payload))]],
        responseContent: "answer \(index)",
        inputTokens: 10,
        outputTokens: 5,
        totalTokens: 15,
        provider: "openai",
        modelName: "gpt-5",
        executionTimeMs: 120)
}

/// Elapsed time of `body`.
func elapsed<T>(_ body: () async throws -> T) async rethrows -> (result: T, duration: Duration) {
    let start = ContinuousClock.now
    let result = try await body()
    return (result, start.duration(to: .now))
}
