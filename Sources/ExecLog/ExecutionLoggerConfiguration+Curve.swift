import ExecLogWire
import Foundation
import ZeroMQ

/// CURVE keys for a tcp endpoint: from the environment, checked, and applied to the sender's socket
/// (docs/EMITTER.md, docs/SECURITY.md).
extension ExecutionLoggerConfiguration.EnvironmentKey {
    /// `EXECLOG_CURVE_SERVER_KEY`: the writer's public key, 40 Z85 characters.
    public static let curveServerKey = "EXECLOG_CURVE_SERVER_KEY"
    /// `EXECLOG_CURVE_SERVER_KEY_FILE`: a file holding it (the writer's `NAME.key`).
    public static let curveServerKeyFile = "EXECLOG_CURVE_SERVER_KEY_FILE"
    /// `EXECLOG_CURVE_SECRET_KEY`: this client's secret key, 40 Z85 characters (the public key is derived from it).
    public static let curveSecretKey = "EXECLOG_CURVE_SECRET_KEY"
    /// `EXECLOG_CURVE_SECRET_KEY_FILE`: a file holding it (`NAME.secret`, mode 0600: other modes are refused).
    public static let curveSecretKeyFile = "EXECLOG_CURVE_SECRET_KEY_FILE"
}

extension ExecutionLoggerConfiguration {
    /// The two keys a CURVE client reads from its environment.
    public enum CurveKeyRole: Sendable {
        /// The writer's public key: `EXECLOG_CURVE_SERVER_KEY` or `EXECLOG_CURVE_SERVER_KEY_FILE`.
        case server
        /// The client's secret key: `EXECLOG_CURVE_SECRET_KEY` or `EXECLOG_CURVE_SECRET_KEY_FILE` (mode 0600).
        case secret
    }

    /// One CURVE key from the environment, the rule of every client (the library, `execlog status`):
    /// its variable or its `_FILE` variable, never both; nil when neither is set.
    public static func curveKey(_ role: CurveKeyRole, from environment: [String: String]) throws(ConfigurationError) -> String? {
        let (valueName, fileName) = switch role {
        case .server: (EnvironmentKey.curveServerKey, EnvironmentKey.curveServerKeyFile)
        case .secret: (EnvironmentKey.curveSecretKey, EnvironmentKey.curveSecretKeyFile)
        }
        func setting(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        switch (setting(valueName), setting(fileName)) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw ConfigurationError("\(valueName) and \(fileName) are both set: give one", kind: .conflict)
        case (let value?, nil):
            guard CurveKeyFile.isKey(value) else {
                throw ConfigurationError("\(valueName): expected a CURVE key, 40 Z85 characters")
            }
            return value
        case (nil, let path?):
            do {
                return role == .secret ? try CurveKeyFile.readSecretKey(path) : try CurveKeyFile.readPublicKey(path)
            } catch {
                throw ConfigurationError("\(fileName): \(error)", kind: .unreadableFile)
            }
        }
    }

    /// Reads the `EXECLOG_CURVE_*` variables (``curveKey(_:from:)``).
    mutating func readCurveKeys(from environment: [String: String]) throws(ConfigurationError) {
        if let server = try Self.curveKey(.server, from: environment) { curveServerPublicKey = server }
        if let secret = try Self.curveKey(.secret, from: environment) {
            curveSecretKey = secret
            curvePublicKey = nil
        }
    }

    /// Both the server key and our secret key, or neither; well-formed keys.
    func validateCurveKeys() throws(ConfigurationError) {
        for (name, key) in [("curveServerPublicKey", curveServerPublicKey), ("curvePublicKey", curvePublicKey), ("curveSecretKey", curveSecretKey)] {
            if let key, !CurveKeyFile.isKey(key) { throw ConfigurationError("\(name): expected a CURVE key, 40 Z85 characters") }
        }
        if (curveServerPublicKey == nil) != (curveSecretKey == nil) {
            throw ConfigurationError(
                "CURVE needs both the writer's public key (curveServerPublicKey) and this client's secret key (curveSecretKey)",
                kind: .conflict)
        }
    }

    /// The keys to set on the socket: for a tcp endpoint with CURVE configured, else nil (ipc stays plain:
    /// the writer's ipc endpoints do not speak CURVE).
    func curveClientKeys() throws -> (server: String, public: String, secret: String)? {
        guard WireEndpoint.isTCP(endpoint), curveServerPublicKey != nil || curveSecretKey != nil else { return nil }
        // Half a configuration must not silently become a plain connection.
        try validateCurveKeys()
        guard let server = curveServerPublicKey, let secret = curveSecretKey else { return nil }
        let publicKey = try curvePublicKey ?? ZMQ.curvePublicKey(fromSecret: secret)
        return (server, publicKey, secret)
    }
}
