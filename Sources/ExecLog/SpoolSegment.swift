#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A spool I/O failure, in one line (the operation, the path, the system's reason).
struct SpoolError: Error, CustomStringConvertible, Equatable {
    var message: String
    var code: Int32

    init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.code = code
        self.message = "\(operation) \(path): \(String(cString: strerror(code)))"
    }

    init(message: String, code: Int32) {
        self.message = message
        self.code = code
    }

    var description: String { message }
}

/// One append-only spool file, `segment-<16 hex digits>.spool`, holding ``SpoolRecord``s back to
/// back. This process appends only to the segment it created; segments found at startup (left by
/// an earlier process) are only read, then deleted once all their events are acknowledged.
final class SpoolSegment {
    let sequence: UInt64
    let path: String
    /// Bytes in the file (what this process wrote, or the size found at startup).
    private(set) var size: Int
    /// Open for appending: only while this is the segment being written.
    private var descriptor: Int32 = -1

    var isOpenForAppending: Bool { descriptor >= 0 }

    static func fileName(sequence: UInt64) -> String {
        let hex = String(sequence, radix: 16)
        return "segment-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".spool"
    }

    /// The sequence in a segment's file name, or nil for any other name.
    static func sequence(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".spool") else { return nil }
        let hex = name.dropFirst("segment-".count).dropLast(".spool".count)
        guard hex.count == 16, hex.allSatisfy(\.isHexDigit) else { return nil }
        return UInt64(hex, radix: 16)
    }

    /// A segment found on disk, opened for reading only when read.
    init(existingAt path: String, sequence: UInt64, size: Int) {
        self.path = path
        self.sequence = sequence
        self.size = size
    }

    /// Creates a new, empty segment file, open for appending.
    init(creatingIn directory: String, sequence: UInt64) throws(SpoolError) {
        self.sequence = sequence
        self.path = directory + "/" + Self.fileName(sequence: sequence)
        self.size = 0
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpoolError("create", path) }
        self.descriptor = descriptor
    }

    deinit { closeForAppending() }

    /// Appends whole records. On a failure the file is cut back to its previous size, so a
    /// failed append leaves no partial record behind (a crash mid-write can; readers skip it).
    func append(_ bytes: [UInt8]) throws(SpoolError) {
        guard descriptor >= 0 else { throw SpoolError("append to closed segment", path, code: EBADF) }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += result
            }
        }
        if failure != 0 {
            if written > 0 { _ = ftruncate(descriptor, off_t(size)) }
            throw SpoolError("write", path, code: failure)
        }
        size += written
    }

    /// Flushes the file's data to the device.
    func sync() throws(SpoolError) {
        guard descriptor >= 0 else { return }
        guard fsync(descriptor) == 0 else { throw SpoolError("fsync", path) }
    }

    /// Stops appending: the segment is complete (rotated, or about to be read back).
    func closeForAppending() {
        if descriptor >= 0 {
            _ = close(descriptor)
            descriptor = -1
        }
    }

    /// The whole file.
    func readAll() throws(SpoolError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SpoolError("open", path) }
        defer { _ = close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw SpoolError("stat", path) }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var total = 0
        var failure: Int32 = 0
        bytes.withUnsafeMutableBytes { buffer in
            while total < buffer.count {
                let result = read(descriptor, buffer.baseAddress! + total, buffer.count - total)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if result == 0 { return }  // shorter than stat said: take what is there
                total += result
            }
        }
        guard failure == 0 else { throw SpoolError("read", path, code: failure) }
        if total < bytes.count { bytes.removeLast(bytes.count - total) }
        return bytes
    }

    /// Deletes the file.
    func remove() throws(SpoolError) {
        closeForAppending()
        guard unlink(path) == 0 || errno == ENOENT else { throw SpoolError("unlink", path) }
    }
}
