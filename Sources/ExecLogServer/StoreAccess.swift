import Dispatch
import ExecLogStore
import Foundation
import Synchronization

/// Runs the store's blocking SQLite calls off the Swift concurrency pool and off the NIO event loops.
///
/// Reads go to a few read-only connections, each with its own serial queue (its own thread while busy),
/// and each read to the connection with the fewest pending, so that a page of the list (milliseconds)
/// never waits behind a stats scan (seconds on millions of rows); the dashboard's first load issues four
/// requests at once. Writes (the two admin deletes) open a read-write store when first needed,
/// so that a server without an admin token never opens the file for writing.
public final class StoreAccess: Sendable {
    /// One read-only connection and the queue that owns it.
    private struct Lane: Sendable {
        let store: ExecutionStore
        let queue: DispatchQueue
    }

    public let path: String
    private let lanes: [Lane]
    /// Reads queued or running on each lane.
    private let pending: Mutex<[Int]>
    private let writeQueue = DispatchQueue(label: "execlog.serve.store.write")
    /// Touched only on `writeQueue`.
    private let writeStore = Mutex<ExecutionStore?>(nil)

    /// Opens `readers` read-only connections to the store: fails at once, with the store's one-line
    /// error, when the file is missing or not a store.
    @available(*, noasync, message: "opens the store: call it from a thread of your own")
    public init(path: String, readers: Int = 4) throws(StoreError) {
        self.path = path
        var lanes: [Lane] = []
        for number in 0..<max(1, readers) {
            lanes.append(
                Lane(
                    store: try ExecutionStore(path: path, mode: .readOnly),
                    queue: DispatchQueue(label: "execlog.serve.store.read.\(number)")))
        }
        self.lanes = lanes
        pending = Mutex(Array(repeating: 0, count: lanes.count))
    }

    /// ``init(path:readers:)`` from async code: the connections are opened on a store thread.
    public static func open(path: String, readers: Int = 4) async throws(StoreError) -> StoreAccess {
        try await run(on: DispatchQueue(label: "execlog.serve.store.open")) { () throws(StoreError) -> StoreAccess in
            try StoreAccess(path: path, readers: readers)
        }
    }

    /// Runs `body` with a read-only store on a store thread and returns its result.
    public func read<T: Sendable>(_ body: @escaping @Sendable (ExecutionStore) throws(StoreError) -> T)
        async throws(StoreError) -> T
    {
        let index = pending.withLock { counts in
            let index = counts.indices.min { counts[$0] < counts[$1] } ?? 0
            counts[index] += 1
            return index
        }
        defer { pending.withLock { $0[index] -= 1 } }
        let lane = lanes[index]
        return try await Self.run(on: lane.queue) { () throws(StoreError) -> T in try body(lane.store) }
    }

    /// Runs `body` with a read-write store (opened on first use, upgrading the schema if needed).
    public func write<T: Sendable>(_ body: @escaping @Sendable (ExecutionStore) throws(StoreError) -> T)
        async throws(StoreError) -> T
    {
        let path = path
        return try await Self.run(on: writeQueue) { [self] () throws(StoreError) -> T in
            let store = try self.writeStore.withLock { (store: inout ExecutionStore?) throws(StoreError) -> ExecutionStore in
                if let store { return store }
                let opened = try ExecutionStore(path: path, mode: .readWrite)
                store = opened
                return opened
            }
            return try body(store)
        }
    }

    /// Bridges a blocking call on `queue` into async code with a continuation.
    private static func run<T: Sendable>(
        on queue: DispatchQueue, _ body: @escaping @Sendable () throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        let result: Result<T, StoreError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(StoreError) -> T in try body() }) }
        }
        return try result.get()
    }
}
