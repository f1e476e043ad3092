import ExecLog
import Foundation
import ZeroMQ

/// The keys a client needs for a writer's CURVE tcp endpoint: the writer's public key and the client's own pair.
public struct CurveClientKeys: Sendable, Hashable {
    public var serverPublicKey: String
    public var publicKey: String
    public var secretKey: String

    public init(serverPublicKey: String, secretKey: String) throws(CLIError) {
        guard CurveKeyFile.isKey(serverPublicKey) else { throw CLIError("the writer's public key is not 40 Z85 characters") }
        guard let publicKey = try? ZMQ.curvePublicKey(fromSecret: secretKey) else {
            throw CLIError("the CURVE secret key is not 40 Z85 characters")
        }
        self.serverPublicKey = serverPublicKey
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// From the key files given as options, else the variables the library reads, by its rule
    /// (``ExecutionLoggerConfiguration/curveKey(_:from:)``, docs/EMITTER.md); nil when neither key is given.
    public static func resolve(
        serverKeyFile: String?, secretKeyFile: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CLIError) -> CurveClientKeys? {
        do {
            let server = try serverKeyFile.map(CurveKeyFile.readPublicKey)
                ?? ExecutionLoggerConfiguration.curveKey(.server, from: environment)
            let secret = try secretKeyFile.map(CurveKeyFile.readSecretKey)
                ?? ExecutionLoggerConfiguration.curveKey(.secret, from: environment)
            switch (server, secret) {
            case (nil, nil): return nil
            case (let server?, let secret?): return try CurveClientKeys(serverPublicKey: server, secretKey: secret)
            default: throw CLIError("CURVE needs both the writer's public key (--curve-server-key-file) and this client's secret key (--curve-secret-key-file)")
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(error)")
        }
    }
}
