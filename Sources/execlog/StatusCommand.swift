import ArgumentParser
import ExecLogCLI
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running execlogd's counters."
    )

    @Option(help: ArgumentHelp("The writer's endpoint. Default: EXECLOG_ENDPOINT, else ipc:///run/execlog/execlog.sock.", valueName: "endpoint"))
    var endpoint: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("How long to wait for the answer.", valueName: "duration"))
    var timeout: String = "3s"

    @Flag(help: "Write the counters as JSON.")
    var json = false

    func run() throws {
        let endpoint = endpoint ?? ProcessInfo.processInfo.environment["EXECLOG_ENDPOINT"] ?? "ipc:///run/execlog/execlog.sock"
        let status = try StatusClient.fetch(endpoint: endpoint, timeout: try TimeArguments.duration(timeout))
        print(json ? StatusReport.json(status) : StatusReport.text(status, style: .standardOutput), terminator: "")
    }
}
