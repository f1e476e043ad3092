import ExecLogStore
import ExecLogWire
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

extension Writer {
    /// Creates (or opens) and migrates the store, with its checkpoints moved off the commit thread to a
    /// ``Checkpointer`` of its own.
    @available(*, noasync, message: "blocks on SQLite")
    func openStore() throws(WriterError) -> (ExecutionStore, Checkpointer) {
        try Self.createStoreFile(configuration.storePath)
        do {
            let store = try ExecutionStore(path: configuration.storePath, mode: .create, synchronous: configuration.synchronous)
            // Checkpoints run on the checkpointer's thread, never in a COMMIT of the commit thread.
            try store.setAutomaticCheckpointPages(0)
            let checkpointer = try Checkpointer(
                storePath: configuration.storePath, synchronous: configuration.synchronous, counters: counters,
                logger: logger)
            if try store.setSearchIndex(enabled: configuration.searchIndex) {
                logger.notice(
                    configuration.searchIndex
                        ? "search index created; the stored executions are indexed in the background"
                        : "search index dropped (no-search-index): execlog search refuses this store")
            }
            let synchronous = try store.synchronousInEffect()
            counters.update { status in
                status.synchronous = synchronous?.rawValue ?? "unknown"
                status.walBytes = store.walFileBytes
            }
            return (store, checkpointer)
        } catch {
            throw WriterError(.store, "\(error)")
        }
    }

    /// A new store file is created 0640 here, before SQLite opens it (its -wal and -shm files take the
    /// same mode): prompts and responses are for the daemon's user and group only.
    static func createStoreFile(_ path: String) throws(WriterError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            if errno == EEXIST { return }
            throw WriterError(.store, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o640) == 0 else {
            throw WriterError(.store, "cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
    }
}
