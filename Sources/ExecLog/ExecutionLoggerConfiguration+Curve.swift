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
    /// Reads the `EXECLOG_CURVE_*` variables. A key and its `_FILE` variant together are an error.
    mutating func readCurveKeys(from environment: [String: String]) throws(ConfigurationError) {
        typealias Key = EnvironmentKey
        func setting(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func key(_ valueName: String, _ fileName: String, secret: Bool) throws(ConfigurationError) -> String? {
            switch (setting(valueName), setting(fileName)) {
            case (nil, nil):
                return nil
            case (.some, .some):
                throw ConfigurationError("\(valueName) and \(fileName) are both set: give one")
            case (let value?, nil):
                guard CurveKeyFile.isKey(value) else {
                    throw ConfigurationError("\(valueName): expected a CURVE key, 40 Z85 characters")
                }
                return value
            case (nil, let path?):
                do {
                    return secret ? try CurveKeyFile.readSecretKey(path) : try CurveKeyFile.readPublicKey(path)
                } catch {
                    throw ConfigurationError("\(fileName): \(error)")
                }
            }
        }
        if let server = try key(Key.curveServerKey, Key.curveServerKeyFile, secret: false) { curveServerPublicKey = server }
        if let secret = try key(Key.curveSecretKey, Key.curveSecretKeyFile, secret: true) {
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
            throw ConfigurationError("CURVE needs both the writer's public key (curveServerPublicKey) and this client's secret key (curveSecretKey)")
        }
    }

    /// The keys to set on the socket: for a tcp endpoint with CURVE configured, else nil (ipc stays plain:
    /// the writer's ipc endpoints do not speak CURVE).
    func curveClientKeys() throws -> (server: String, public: String, secret: String)? {
        guard endpoint.hasPrefix("tcp://"), curveServerPublicKey != nil || curveSecretKey != nil else { return nil }
        // Half a configuration must not silently become a plain connection.
        try validateCurveKeys()
        guard let server = curveServerPublicKey, let secret = curveSecretKey else { return nil }
        let publicKey = try curvePublicKey ?? ZMQ.curvePublicKey(fromSecret: secret)
        return (server, publicKey, secret)
    }
}
