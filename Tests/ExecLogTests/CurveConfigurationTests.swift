import Foundation
import Testing
import ZeroMQ

@testable import ExecLog

/// The emitter's CURVE settings: `EXECLOG_CURVE_*` variables, key files, and half configurations refused.
@Suite struct CurveConfigurationTests {
    let folder = NSTemporaryDirectory() + "curve-config-\(UUID().uuidString.prefix(8))"

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func writeKey(_ name: String, _ key: String, mode: mode_t) throws -> String {
        let path = folder + "/" + name
        try CurveKeyFile.create(path, contents: CurveKeyFile.contents(key: key, comment: name), mode: mode)
        return path
    }

    @Test func keysComeFromVariablesOrFiles() throws {
        let server = try ZMQ.curveKeyPair()
        let client = try ZMQ.curveKeyPair()
        let fromValues = try ExecutionLoggerConfiguration.fromEnvironment([
            "EXECLOG_ENDPOINT": "tcp://127.0.0.1:5599",
            "EXECLOG_CURVE_SERVER_KEY": server.publicKey, "EXECLOG_CURVE_SECRET_KEY": client.secretKey,
        ])
        #expect(fromValues.curveServerPublicKey == server.publicKey && fromValues.curveSecretKey == client.secretKey)
        let keys = try #require(try fromValues.curveClientKeys())
        #expect(keys.public == client.publicKey)

        let fromFiles = try ExecutionLoggerConfiguration.fromEnvironment([
            "EXECLOG_CURVE_SERVER_KEY_FILE": try writeKey("writer.key", server.publicKey, mode: 0o644),
            "EXECLOG_CURVE_SECRET_KEY_FILE": try writeKey("me.secret", client.secretKey, mode: 0o600),
        ])
        #expect(fromFiles.curveServerPublicKey == server.publicKey && fromFiles.curveSecretKey == client.secretKey)
        try fromFiles.validate()
        // ipc endpoints never use CURVE.
        #expect(try fromFiles.curveClientKeys() == nil)
    }

    @Test func aPublicKeyFileGivenAsTheSecretIsRefused() throws {
        let pair = try ZMQ.curveKeyPair()
        // As `execlog keygen` writes NAME.key, made private by mistake.
        let path = folder + "/writer.key"
        try CurveKeyFile.create(
            path, contents: CurveKeyFile.contents(key: pair.publicKey, comment: "execlog CURVE public key writer"), mode: 0o600)
        #expect {
            try ExecutionLoggerConfiguration.fromEnvironment(["EXECLOG_CURVE_SECRET_KEY_FILE": path])
        } throws: { error in
            "\(error)".contains("EXECLOG_CURVE_SECRET_KEY_FILE: \(path) holds a CURVE public key")
        }
    }

    @Test func badKeySettingsAreErrorsNamingTheVariable() throws {
        let client = try ZMQ.curveKeyPair()
        let loose = try writeKey("loose.secret", client.secretKey, mode: 0o640)
        #expect(throws: ConfigurationError.self) {
            try ExecutionLoggerConfiguration.fromEnvironment(["EXECLOG_CURVE_SECRET_KEY_FILE": loose])
        }
        do {
            _ = try ExecutionLoggerConfiguration.fromEnvironment(["EXECLOG_CURVE_SECRET_KEY_FILE": loose])
        } catch {
            #expect(error.message.contains("EXECLOG_CURVE_SECRET_KEY_FILE") && error.message.contains("mode 0640"), "\(error)")
            #expect(error.kind == .unreadableFile)
        }
        let short = #expect(throws: ConfigurationError.self) {
            try ExecutionLoggerConfiguration.fromEnvironment(["EXECLOG_CURVE_SERVER_KEY": "short"])
        }
        #expect(short?.kind == .invalidValue)
        let both = #expect(throws: ConfigurationError.self) {
            try ExecutionLoggerConfiguration.fromEnvironment([
                "EXECLOG_CURVE_SECRET_KEY": client.secretKey, "EXECLOG_CURVE_SECRET_KEY_FILE": loose,
            ])
        }
        #expect(both?.kind == .conflict)
        // Half a configuration: refused, never a silent plain connection.
        var half = ExecutionLoggerConfiguration(endpoint: "tcp://127.0.0.1:5599")
        half.curveServerPublicKey = client.publicKey
        let halfError = #expect(throws: ConfigurationError.self) { try half.validate() }
        #expect(halfError?.kind == .conflict)
        #expect(throws: (any Error).self) { try half.curveClientKeys() }
    }
}
