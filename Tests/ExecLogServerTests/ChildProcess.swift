import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A real process the tests start (`execlog serve`, `execlog-loadgen`, the browser script), its output
/// collected as it comes, and always ended: by its own exit, SIGTERM, or SIGKILL after a grace period.
final class ChildProcess: Sendable {
    private let process: Process
    /// What the process wrote so far; a class so that the pipes' handlers can hold it.
    private final class Output: Sendable {
        let text = Mutex<(stdout: String, stderr: String)>(("", ""))
    }

    private let output = Output()
    private let exited = DispatchSemaphore(value: 0)
    let description: String

    init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        description = ([executable.lastPathComponent] + arguments).joined(separator: " ")
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        stdoutPipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.text.withLock { $0.stdout += text }
        }
        stderrPipe.fileHandleForReading.readabilityHandler = { [output] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.text.withLock { $0.stderr += text }
        }
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
    }

    var stdout: String { output.text.withLock { $0.stdout } }
    var stderr: String { output.text.withLock { $0.stderr } }
    var pid: Int32 { process.processIdentifier }

    /// Waits until stdout holds a line matching `prefix` and returns that line, nil after `timeout`.
    func waitForLine(startingWith prefix: String, timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            if !process.isRunning { return nil }
            usleep(20_000)
        }
        return nil
    }

    /// The exit status, or nil when it did not exit within `timeout` (it is then killed).
    @discardableResult
    func waitForExit(timeout: TimeInterval) -> Int32? {
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = exited.wait(timeout: .now() + 5)
            return nil
        }
        // Let the pipes deliver what was written last.
        usleep(50_000)
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// SIGTERM, then the exit status (SIGKILL after `grace`).
    @discardableResult
    func stop(grace: TimeInterval = 10) -> Int32? {
        guard process.isRunning else { return waitForExit(timeout: 1) }
        kill(process.processIdentifier, SIGTERM)
        return waitForExit(timeout: grace)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
