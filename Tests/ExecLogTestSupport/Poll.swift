import Foundation

/// The one spawn-and-poll loop of the tests: asks `condition` until it returns a value or `timeout`
/// passes. For what has no event to wait on (a status over a socket, a file's size).
public enum Poll {
    /// Sleeps on the calling thread between tries: for synchronous tests only.
    public static func until<T>(
        timeout: TimeInterval, every interval: TimeInterval = 0.02, _ condition: () throws -> T?
    ) rethrows -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = try condition() { return value }
            guard Date() < deadline else { return nil }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// Suspends between tries (`Task.sleep`): no thread of the pool is blocked.
    public static func until<T>(
        timeout: TimeInterval, every interval: TimeInterval = 0.02, _ condition: () async throws -> T?
    ) async rethrows -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let value = try await condition() { return value }
            guard Date() < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }
}
