import ArgumentParser
import ExecLogCLI
import Foundation

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new CURVE key pair: NAME.key (public, 0644) and NAME.secret (secret, 0600).",
        discussion: """
            For execlogd's tcp endpoints (docs/SECURITY.md): the writer loads its NAME.secret with
            --curve-secret-key-file and gives its NAME.key to the workers; each worker host gets a pair of
            its own, and its NAME.key goes into the writer's --curve-allowed-keys folder. Existing files
            are never overwritten.
            """
    )

    @Option(help: ArgumentHelp("The folder to write the two files in.", valueName: "folder"))
    var out: String = "."

    @Option(help: ArgumentHelp("The files' name. Default: this host's name.", valueName: "name"))
    var name: String?

    func run() throws {
        let name = name ?? ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "execlog"
        let written = try KeyPairFiles.write(folder: out, name: name)
        print("public key: \(written.publicKeyPath)\nsecret key: \(written.secretKeyPath)")
    }
}
