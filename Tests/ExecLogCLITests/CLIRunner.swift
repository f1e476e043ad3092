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

    /// Runs `execlog arguments…` (``ChildProcess``) with stdin from /dev/null, EXECLOG_DB removed from
    /// the environment unless `environment` sets it, and both outputs captured in full.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let binary = try #require(
            binary,
            "the execlog binary was not found next to the test executable (\(CommandLine.arguments.first ?? "?")); build it first: swift build"
        )
        let process = try ChildProcess(binary, arguments, environment: environment, unset: ["EXECLOG_DB"])
        let status = process.waitForExit(timeout: timeout)
        let result = CLIResult(
            arguments: arguments, status: status ?? -1, exitedNormally: status != nil && !process.wasSignalled,
            stdout: process.stdout, stderr: process.stderr)
        if status == nil {
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
