import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Folders execlog creates for what it keeps (the store's, the ipc socket's): every missing one, the
/// parents included, gets exactly the mode asked, whatever the umask. (FileManager leaves the umask's
/// mode on the folders it creates, 0777 under umask 000, whatever attributes it is given.)
public enum PrivateFolder {
    /// Why a folder could not be made, in one line naming it.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Creates `path` and its missing parents with `mode`, and `group` when given; returns the folders it
    /// created, outermost first. An existing folder is left as it is.
    @discardableResult
    public static func create(_ path: String, mode: mode_t, group: gid_t? = nil) throws(Failure) -> [String] {
        var missing: [String] = []
        var current = (path as NSString).standardizingPath
        while !current.isEmpty, current != "/", !FileManager.default.fileExists(atPath: current) {
            missing.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        for folder in missing.reversed() {
            guard mkdir(folder, mode) == 0 || errno == EEXIST else {
                throw failure("create", folder)
            }
            guard chmod(folder, mode) == 0, group.map({ chown(folder, uid_t.max, $0) == 0 }) ?? true else {
                throw failure("set the mode or group of", folder)
            }
        }
        return missing.reversed()
    }

    private static func failure(_ action: String, _ folder: String) -> Failure {
        Failure(description: "cannot \(action) \(folder): \(String(cString: strerror(errno)))")
    }
}
