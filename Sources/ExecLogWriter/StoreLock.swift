import ExecLogStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Makes sure one writer at a time serves a store: an exclusive `flock` on `<store>.lock`, held for the
/// process's life and released by the kernel even on SIGKILL, so a stale lock never blocks a restart.
public final class StoreLock: Sendable {
    private let descriptor: Int32
    public let path: String

    public init(storePath: String) throws(WriterError) {
        path = storePath + ".lock"
        let folder = (storePath as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try PrivateFolder.create(folder, mode: ExecutionStore.folderPermissions)
            } catch {
                throw WriterError(.store, error.description)
            }
        }
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw WriterError(.store, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var holder = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &holder, holder.count, 0)
            let pid = count > 0 ? String(decoding: holder[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(descriptor)
            throw WriterError(.inUse, "another execlogd (pid \(pid)) is already writing to \(storePath)")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.utf8.count, 0)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
