import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real process a test starts (`execlogd`, `execlog`, `execlog-loadgen`, the browser script): its
/// output collected as it comes, and always ended, by its own exit, SIGTERM, or SIGKILL when the value
/// goes away. Every wait is for an event (the exit, the pipes' end, a line) with a bound; async tests
/// use the async overloads, which sleep with `Task.sleep` and never block a thread of the pool.
public final class ChildProcess: Sendable {
    private struct State {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var openPipes = 2
        var exited = false
    }

    /// A class, so that the pipes' and the termination handlers can hold it.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let process: Process
    private let shared = Shared()

    public let description: String

    /// `environment` is added to this process's; `unset` names variables removed from it.
    public init(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], unset: [String] = []
    ) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        for name in unset where environment[name] == nil { merged[name] = nil }
        process.environment = merged
        process.standardInput = FileHandle.nullDevice
        description = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let shared = shared
        // One reader thread per pipe, reading until the end: every byte is kept (Foundation's
        // readabilityHandler can miss the last chunk), and a full pipe never blocks the child.
        var readers: [Thread] = []
        for (pipe, isStdout) in [(stdoutPipe, true), (stderrPipe, false)] {
            let descriptor = pipe.fileHandleForReading.fileDescriptor
            let reader = Thread { [pipe] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { break }
                    shared.state.withLock { state in
                        if isStdout {
                            state.stdout.append(contentsOf: buffer[0..<count])
                        } else {
                            state.stderr.append(contentsOf: buffer[0..<count])
                        }
                    }
                }
                shared.state.withLock { $0.openPipes -= 1 }
                withExtendedLifetime(pipe) {}
            }
            reader.name = "child-output"
            readers.append(reader)
        }
        process.terminationHandler = { _ in shared.state.withLock { $0.exited = true } }
        try process.run()
        for reader in readers { reader.start() }
    }

    /// A product of this build (``Products``) run with `arguments`.
    public convenience init(product: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(try Products.url(product), arguments, environment: environment)
    }

    public var stdout: String { shared.state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    public var stderr: String { shared.state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }
    public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { !shared.state.withLock { $0.exited } }

    /// Ended by a signal (a crash, a kill) rather than an exit.
    public var wasSignalled: Bool { !isRunning && process.terminationReason == .uncaughtSignal }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Exited, and its output read to the end (or the pipes are held open by a child of its own).
    private var isFinished: Bool { shared.state.withLock { $0.exited && $0.openPipes == 0 } }

    /// The exit status (128 + the signal for a signal); nil while running.
    private var status: Int32? {
        guard !isRunning else { return nil }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    // MARK: - Waiting, for synchronous tests

    /// Waits until stdout holds a line starting with `prefix` and returns it; nil after `timeout` or
    /// once the process has exited without printing it.
    public func waitForLine(startingWith prefix: String, timeout: TimeInterval) -> String? {
        Poll.until(timeout: timeout) { () -> String?? in
            if let line = self.stdoutLines.first(where: { $0.hasPrefix(prefix) }) { return .some(line) }
            return self.isFinished ? .some(nil) : nil
        } ?? nil
    }

    /// The exit status, once the output is read to its end; nil when it did not exit within `timeout`
    /// (it is then killed).
    @discardableResult
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        guard Poll.until(timeout: timeout, { self.isRunning ? nil : true }) != nil else {
            signal(SIGKILL)
            _ = Poll.until(timeout: 5) { self.isRunning ? nil : true }
            return nil
        }
        _ = Poll.until(timeout: 5) { self.isFinished ? true : nil }
        return status
    }

    /// SIGTERM, then the exit status (SIGKILL after `grace`).
    @discardableResult
    public func stop(grace: TimeInterval = 10) -> Int32? {
        if isRunning { signal(SIGTERM) }
        return waitForExit(timeout: grace)
    }

    // MARK: - Waiting, for async tests

    public func waitForLine(startingWith prefix: String, timeout: TimeInterval) async -> String? {
        await Poll.until(timeout: timeout) { () -> String?? in
            if let line = self.stdoutLines.first(where: { $0.hasPrefix(prefix) }) { return .some(line) }
            return self.isFinished ? .some(nil) : nil
        } ?? nil
    }

    @discardableResult
    public func waitForExit(timeout: TimeInterval) async -> Int32? {
        guard await Poll.until(timeout: timeout, { self.isRunning ? nil : true }) != nil else {
            signal(SIGKILL)
            _ = await Poll.until(timeout: 5) { self.isRunning ? nil : true }
            return nil
        }
        _ = await Poll.until(timeout: 5) { self.isFinished ? true : nil }
        return status
    }

    @discardableResult
    public func stop(grace: TimeInterval = 10) async -> Int32? {
        if isRunning { signal(SIGTERM) }
        return await waitForExit(timeout: grace)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
