import ExecLogTestSupport
import Foundation
import ZeroMQ

/// A writer key pair and an allow-list folder for one test, written as `execlog keygen` would: the
/// writer's `writer.secret` (0600), and `allowed-keys/` holding the public key of the `allowed` client.
struct CurveKeys {
    typealias Pair = (publicKey: String, secretKey: String)
    let server: Pair
    let allowed: Pair
    /// A well-formed client whose key is not in the allow-list.
    let outsider: Pair
    let secretKeyFile: String
    let serverKeyFile: String
    let allowedKeysFolder: String
    let allowedSecretKeyFile: String
    let outsiderSecretKeyFile: String

    init(folder: TemporaryFolder) throws {
        server = try ZMQ.curveKeyPair()
        allowed = try ZMQ.curveKeyPair()
        outsider = try ZMQ.curveKeyPair()
        secretKeyFile = folder.path("writer.secret")
        serverKeyFile = folder.path("writer.key")
        allowedKeysFolder = folder.path("allowed-keys")
        allowedSecretKeyFile = folder.path("allowed.secret")
        outsiderSecretKeyFile = folder.path("outsider.secret")
        try FileManager.default.createDirectory(atPath: allowedKeysFolder, withIntermediateDirectories: true)
        try CurveKeyFile.create(secretKeyFile, contents: CurveKeyFile.contents(key: server.secretKey, comment: "writer"), mode: 0o600)
        try CurveKeyFile.create(serverKeyFile, contents: CurveKeyFile.contents(key: server.publicKey, comment: "writer"), mode: 0o644)
        try CurveKeyFile.create(allowedSecretKeyFile, contents: allowed.secretKey + "\n", mode: 0o600)
        try CurveKeyFile.create(outsiderSecretKeyFile, contents: outsider.secretKey + "\n", mode: 0o600)
        try allow(allowed.publicKey, name: "allowed")
    }

    /// Adds a client's public key to the allow-list folder.
    func allow(_ publicKey: String, name: String) throws {
        let path = (allowedKeysFolder as NSString).appendingPathComponent(name + ".key")
        try CurveKeyFile.create(path, contents: CurveKeyFile.contents(key: publicKey, comment: name), mode: 0o644)
    }

    /// The daemon flags that put its tcp endpoints under CURVE.
    var daemonArguments: [String] {
        ["--curve-secret-key-file", secretKeyFile, "--curve-allowed-keys", allowedKeysFolder]
    }

    /// The emitter's variables for the allowed client (execlog-loadgen inherits them).
    var allowedClientEnvironment: [String: String] {
        ["EXECLOG_CURVE_SERVER_KEY_FILE": serverKeyFile, "EXECLOG_CURVE_SECRET_KEY_FILE": allowedSecretKeyFile]
    }
}
