import ArgumentParser
import ExecLogCLI
import ExecLogWire
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running execlogd's counters."
    )

    @Option(help: ArgumentHelp("The writer's endpoint. Default: \(WireEndpoint.environmentKey), else \(WireEndpoint.defaultEndpoint).", valueName: "endpoint"))
    var endpoint: String?

    // Read in run() by the one duration rule: a bad value is one line and status 1, like every value of `execlog`.
    @Option(parsing: .unconditional, help: ArgumentHelp("How long to wait for the answer.", valueName: "duration"))
    var timeout: String = "3s"

    @Option(help: ArgumentHelp("For a CURVE tcp endpoint: the writer's public key file. Default: EXECLOG_CURVE_SERVER_KEY or EXECLOG_CURVE_SERVER_KEY_FILE.", valueName: "path"))
    var curveServerKeyFile: String?

    @Option(help: ArgumentHelp("For a CURVE tcp endpoint: this client's secret key file (0600), whose public key the writer allows. Default: EXECLOG_CURVE_SECRET_KEY or EXECLOG_CURVE_SECRET_KEY_FILE.", valueName: "path"))
    var curveSecretKeyFile: String?

    @Flag(help: "Write the counters as JSON.")
    var json = false

    func run() throws {
        let endpoint = WireEndpoint.resolve(endpoint, environment: ProcessInfo.processInfo.environment)
        guard WireEndpoint.isSupported(endpoint) else { throw CLIError("endpoint: \(WireEndpoint.unsupportedReason(endpoint))") }
        let curve = try CurveClientKeys.resolve(serverKeyFile: curveServerKeyFile, secretKeyFile: curveSecretKeyFile)
        let status = try StatusClient.fetch(endpoint: endpoint, timeout: try TimeArguments.duration(timeout), curve: curve)
        print(json ? StatusReport.json(status) : StatusReport.text(status, style: .standardOutput), terminator: "")
    }
}
