import Foundation
import ZeroMQ

/// `execlog keygen`: a new CURVE key pair as two files, `NAME.key` (public, 0644) and `NAME.secret`
/// (secret, 0600). Never overwrites: an existing file of either name is an error and nothing is written.
public enum KeyPairFiles {
    public struct Written: Sendable {
        public var publicKeyPath: String
        public var secretKeyPath: String
        public var publicKey: String
    }

    public static func write(folder: String, name: String) throws(CLIError) -> Written {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw CLIError("--name \(name.debugDescription): expected a file name without / and not starting with a dot")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CLIError("--out \(folder): no such folder")
        }
        let publicPath = (folder as NSString).appendingPathComponent(name + ".key")
        let secretPath = (folder as NSString).appendingPathComponent(name + ".secret")
        for path in [publicPath, secretPath] where FileManager.default.fileExists(atPath: path) {
            throw CLIError("\(path) already exists; not overwriting it (choose another --name, or remove it)")
        }
        let pair: (publicKey: String, secretKey: String)
        do {
            pair = try ZMQ.curveKeyPair()
        } catch {
            throw CLIError("cannot make a CURVE key pair: \(error)", kind: .unavailable)
        }
        do {
            // The secret first: if it cannot be written, no public key circulates without its secret.
            try CurveKeyFile.create(
                secretPath, contents: CurveKeyFile.contents(key: pair.secretKey, comment: "execlog CURVE secret key \(name): keep it private (mode 0600)"),
                mode: 0o600)
            do {
                try CurveKeyFile.create(
                    publicPath, contents: CurveKeyFile.contents(key: pair.publicKey, comment: "\(CurveKeyFile.publicKeyComment) \(name)"),
                    mode: 0o644)
            } catch {
                unlink(secretPath)
                throw error
            }
        } catch {
            throw CLIError("\(error)")
        }
        return Written(publicKeyPath: publicPath, secretKeyPath: secretPath, publicKey: pair.publicKey)
    }
}
