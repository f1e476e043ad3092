import Foundation
import Synchronization
import ZeroMQ

/// The CURVE public keys of the clients the writer accepts: every `*.key` file of one folder
/// (docs/SECURITY.md). Read at start and again on SIGHUP, from the signal queue; consulted by the
/// ZAP handler on the socket thread, hence the lock.
public final class ClientAllowList: Sendable {
    public let folder: String
    /// Z85 public key → the file it came from (named in the log when that client is accepted or refused).
    private let keys = Mutex<[String: String]>([:])

    /// What one reading of the folder found.
    public struct Reading: Sendable {
        public var keys: Int
        /// Files skipped, each as a one-line reason naming the file.
        public var skipped: [String]
    }

    /// Reads the folder; a folder that cannot be listed is an error.
    public init(folder: String) throws(WriterError) {
        self.folder = folder
        _ = try reload()
    }

    /// Reads the folder again and replaces the list whole. A folder that cannot be listed leaves the
    /// list as it was (and throws); a malformed key file is skipped and named in `skipped`.
    @discardableResult
    public func reload() throws(WriterError) -> Reading {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw WriterError(.allowList, "cannot read the allowed client keys folder \(folder): \(error.localizedDescription)")
        }
        var found: [String: String] = [:]
        var skipped: [String] = []
        for name in names.sorted() where name.hasSuffix(".key") && !name.hasPrefix(".") {
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                found[try CurveKeyFile.readPublicKey(path)] = name
            } catch {
                skipped.append(error.description)
            }
        }
        keys.withLock { $0 = found }
        return Reading(keys: found.count, skipped: skipped)
    }

    public var count: Int { keys.withLock { $0.count } }

    /// The key file that allows this Z85 public key, or nil.
    func file(allowing publicKey: String) -> String? {
        keys.withLock { $0[publicKey] }
    }
}
