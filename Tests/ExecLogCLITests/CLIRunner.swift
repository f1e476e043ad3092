import ExecLogTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one run of the `execlog` binary did.
struct CLIResult: Sendable, CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var exitedNormally: Bool
    var stdout: String
    var stderr: String

    var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast() }

    var description: String {
        "execlog \(arguments.joined(separator: " ")) → status \(status)\(exitedNormally ? "" : " (signal)")\n"
            + "stdout: \(stdout.prefix(2_000))\nstderr: \(stderr.prefix(2_000))"
    }
}

/// Runs the built `execlog` executable as a real process.
enum CLI {
    /// A run that takes longer than this is killed and the test fails.
    static let timeout: TimeInterval = 30

    /// The `execlog` binary of the same build as this test executable.
    static let binary: URL? = try? Products.url("execlog")

    /// Runs `execlog arguments…` with stdin from /dev/null, EXECLOG_DB removed from the environment
    /// unless `environment` sets it, and both outputs captured in full.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let binary = try #require(
            binary,
            "the execlog binary was not found next to the test executable (\(CommandLine.arguments.first ?? "?")); build it first: swift build"
        )
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment["EXECLOG_DB"] = nil
        processEnvironment.merge(environment) { _, new in new }

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = processEnvironment
        process.standardInput = FileHandle.nullDevice
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe

        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        // Both pipes are drained on threads of their own while the process runs: a full pipe never blocks it.
        let stdoutReader = PipeReader(stdoutPipe.fileHandleForReading)
        let stderrReader = PipeReader(stderrPipe.fileHandleForReading)

        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                _ = exited.wait(timeout: .now() + 5)
            }
        }
        let stdout = stdoutReader.finish()
        let stderr = stderrReader.finish()
        if !timedOut { process.waitUntilExit() }

        let result = CLIResult(
            arguments: arguments,
            status: process.isRunning ? -1 : process.terminationStatus,
            exitedNormally: !process.isRunning && process.terminationReason == .exit,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
        if timedOut {
            Issue.record("execlog \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s: killed\n\(result)")
        }
        return result
    }

    /// Runs a command that must succeed (status 0, nothing on stderr) and returns its result.
    static func succeed(_ arguments: [String], environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation)
        throws -> CLIResult
    {
        let result = try run(arguments, environment: environment)
        #expect(result.exitedNormally && result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
        return result
    }

    /// Runs a command that must fail the way the CLI promises: exit status 1, exactly one line on stderr
    /// starting `execlog: `, no crash or backtrace, nothing on stdout.
    @discardableResult
    static func fail(
        _ arguments: [String], environment: [String: String] = [:], messageContains expected: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIResult {
        let result = try run(arguments, environment: environment)
        expectOneLineError(result, messageContains: expected, sourceLocation: sourceLocation)
        return result
    }

    static func expectOneLineError(
        _ result: CLIResult, messageContains expected: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.exitedNormally, "terminated by a signal: \(result)", sourceLocation: sourceLocation)
        #expect(result.status == 1, "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasSuffix("\n"), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "expected one line on stderr: \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("execlog: "), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(expected), "expected \(expected.debugDescription) in: \(result)", sourceLocation: sourceLocation)
        for trace in ["Fatal error", "Stack dump", "Backtrace", "Current stack trace", "Thread 0", "Error: "] {
            #expect(!result.stderr.contains(trace), "\(result)", sourceLocation: sourceLocation)
        }
        #expect(result.stdout.isEmpty, "\(result)", sourceLocation: sourceLocation)
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
        thread.start()
    }

    /// The whole output; waits for the pipe's end (the process and its children closed it).
    func finish() -> Data {
        if done.wait(timeout: .now() + CLI.timeout) == .timedOut {
            Issue.record("a pipe of execlog was not closed within \(Int(CLI.timeout)) s")
            return Data()
        }
        return data
    }
}
