import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The disk spool of an ``ExecutionLogger``: a folder of append-only ``SpoolSegment`` files where
/// events go when the memory bound is full and at shutdown, and from which they are sent again
/// (``take(admit:)``) until the writer acknowledges them (``settle(segment:)``).
///
///     <spoolDirectory>/lock                              flock(LOCK_EX|LOCK_NB) while in use
///     <spoolDirectory>/segment-0000000000000001.spool    records, see SpoolRecord
///     <spoolDirectory>/segment-0000000000000002.spool    ...
///
/// - One process at a time: ``init(directory:maxBytes:sync:segmentBytes:logger:)`` takes an
///   exclusive, non-blocking `flock` on `lock` and throws if another open spool holds it (in this
///   process or another). The kernel drops the lock when the process dies, even by SIGKILL.
/// - Segments are read in sequence order, each once per process; this process appends only to
///   segments it creates (numbered after every existing one), rotating at `segmentBytes`. When
///   the reader reaches the segment being written, that segment is closed first (later appends
///   start a new one), so a segment is never read and written at the same time.
/// - A segment is deleted once it has been read to the end and every good record in it has
///   been settled (acknowledged by the writer). Until then it stays whole: after a crash or a
///   shutdown the next process sends all its records again, and the writer, which dedupes by
///   event id, stores none twice.
/// - `maxBytes` bounds the files' total size; an append that would pass it is refused.
///
/// Not thread-safe: made by the logger's init, then used by the sender thread alone.
final class Spool: @unchecked Sendable {
    /// An event taken from the spool to be sent.
    struct Record {
        var segment: UInt64
        var json: [UInt8]
        /// Left by an earlier process (counted as `replayed`), rather than spooled by this one.
        var isFromEarlierProcess: Bool
    }

    enum AppendResult: Equatable {
        case spooled(segment: UInt64)
        /// `maxBytes` would be passed.
        case full
        case failed(SpoolError)
    }

    private struct Segment {
        let file: SpoolSegment
        /// Created by this process (else found at startup).
        let isOwn: Bool
        /// Good records: appended (own) or found when read.
        var records = 0
        /// Records not yet settled.
        var unsettled = 0
        var fullyRead = false
        /// Own segments: the lowest record sequence in it, for `flush`.
        var lowestSequence: UInt64?
    }

    private struct Reading {
        var segment: UInt64
        var bytes: [UInt8]
        var payloads: [Range<Int>]
        var next = 0
    }

    static let lockFileName = "lock"

    let directory: String
    let maxBytes: Int
    let sync: SpoolSync
    let segmentBytes: Int
    private let logger: Logger
    private var lockDescriptor: Int32
    private var segments: [UInt64: Segment] = [:]
    /// Segments not yet read to the end, oldest first.
    private var unread: [UInt64] = []
    private var writing: UInt64?
    private var nextSequence: UInt64
    private var reading: Reading?
    private var needsSync = false

    /// Size of every segment file.
    private(set) var totalBytes = 0
    /// Corrupt regions skipped while reading (torn tails, CRC mismatches, garbage).
    private(set) var corruptRegions = 0
    /// Records this process spooled that could not be read back (corrupted on disk): lost.
    private(set) var lostOwnRecords = 0

    /// Opens (creating it if needed) and locks a spool folder.
    init(
        directory: String, maxBytes: Int, sync: SpoolSync, segmentBytes: Int = 16 << 20,
        logger: Logger = Logger(label: "execlog")
    ) throws(SpoolError) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.sync = sync
        self.segmentBytes = max(1, segmentBytes)
        self.logger = logger
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SpoolError(message: "create directory \(directory): \(error.localizedDescription)", code: EIO)
        }
        let lockPath = directory + "/" + Self.lockFileName
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SpoolError("open", lockPath) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            closeDescriptor(descriptor)
            if code == EWOULDBLOCK {
                throw SpoolError(
                    message: "\(directory) is in use by another logger (flock on \(lockPath))", code: code)
            }
            throw SpoolError("flock", lockPath, code: code)
        }
        lockDescriptor = descriptor
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            closeDescriptor(descriptor)
            throw SpoolError("list", directory, code: EIO)
        }
        var highest: UInt64 = 0
        for name in names {
            guard let sequence = SpoolSegment.sequence(fromFileName: name) else { continue }
            let path = directory + "/" + name
            var status = stat()
            guard stat(path, &status) == 0 else { continue }
            let size = Int(status.st_size)
            segments[sequence] = Segment(file: SpoolSegment(existingAt: path, sequence: sequence, size: size), isOwn: false)
            unread.append(sequence)
            totalBytes += size
            highest = max(highest, sequence)
        }
        unread.sort()
        nextSequence = highest + 1
    }

    deinit { close() }

    /// Segments on disk (for tests and logs).
    var segmentCount: Int { segments.count }

    /// Whether records remain that this process has not yet taken.
    var hasUnread: Bool { !unread.isEmpty }

    /// The lowest sequence among this process's spooled events not yet all settled, conservatively
    /// (per segment): `flush` waits for these.
    var lowestOwnSequence: UInt64? {
        segments.values.compactMap(\.lowestSequence).min()
    }

    // MARK: - Writing

    /// Appends one event's JSON; `sequence` is its record sequence in this process (for flush).
    func append(_ json: [UInt8], sequence: UInt64) -> AppendResult {
        let record = SpoolRecord.encode(json)
        guard totalBytes + record.count <= maxBytes else { return .full }
        do {
            let segment = try segmentForAppending()
            try segments[segment]!.file.append(record)
            totalBytes += record.count
            segments[segment]!.records += 1
            segments[segment]!.unsettled += 1
            segments[segment]!.lowestSequence = min(segments[segment]!.lowestSequence ?? sequence, sequence)
            if sync == .always {
                try segments[segment]!.file.sync()
            } else {
                needsSync = true
            }
            return .spooled(segment: segment)
        } catch {
            return .failed(error)
        }
    }

    /// Ends a burst of appends: with ``SpoolSync/batch``, fsyncs what was written.
    func endOfBurst() {
        guard sync == .batch, needsSync else { return }
        needsSync = false
        guard let writing else { return }
        do {
            try segments[writing]?.file.sync()
        } catch {
            logger.error("execlog: spool fsync failed", metadata: ["error": "\(error)"])
        }
    }

    private func segmentForAppending() throws(SpoolError) -> UInt64 {
        if let writing, let segment = segments[writing], segment.file.size < segmentBytes {
            return writing
        }
        sealWriting()
        let sequence = nextSequence
        let file = try SpoolSegment(creatingIn: directory, sequence: sequence)
        nextSequence += 1
        segments[sequence] = Segment(file: file, isOwn: true)
        unread.append(sequence)
        writing = sequence
        if sync != .none { syncDirectory() }
        return sequence
    }

    /// Closes the segment being written: later appends go to a new one.
    private func sealWriting() {
        guard let current = writing else { return }
        endOfBurst()
        segments[current]?.file.closeForAppending()
        writing = nil
    }

    /// Makes a new file's name durable along with its data.
    private func syncDirectory() {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        closeDescriptor(descriptor)
    }

    // MARK: - Reading

    /// Takes records to send, oldest segment first, while `admit(payloadBytes)` says yes; a
    /// refused record stays first in line for the next call.
    func take(admit: (Int) -> Bool) -> [Record] {
        var records: [Record] = []
        while true {
            if reading == nil {
                guard let sequence = unread.first else { return records }
                startReading(sequence)
            }
            guard var current = reading, let segment = segments[current.segment] else {
                reading = nil
                continue
            }
            while current.next < current.payloads.count {
                let range = current.payloads[current.next]
                guard admit(range.count) else {
                    reading = current
                    return records
                }
                records.append(
                    Record(
                        segment: current.segment, json: Array(current.bytes[range]),
                        isFromEarlierProcess: !segment.isOwn))
                current.next += 1
            }
            reading = nil
            unread.removeFirst()
            segments[current.segment]?.fullyRead = true
            removeIfDone(current.segment)
        }
    }

    private func startReading(_ sequence: UInt64) {
        guard var segment = segments[sequence] else {
            unread.removeFirst()
            return
        }
        if writing == sequence { sealWriting() }
        var bytes: [UInt8] = []
        var parsed = SpoolRecord.Parsed()
        do {
            bytes = try segment.file.readAll()
            parsed = SpoolRecord.parse(bytes)
        } catch {
            logger.error("execlog: cannot read a spool segment; skipped", metadata: ["error": "\(error)"])
            parsed.corruptRegions = 1
        }
        if parsed.corruptRegions > 0 {
            logger.warning(
                "execlog: corrupt records in a spool segment were skipped",
                metadata: [
                    "segment": "\(segment.file.path)", "corrupt_regions": "\(parsed.corruptRegions)",
                    "good_records": "\(parsed.payloads.count)",
                ])
        }
        corruptRegions += parsed.corruptRegions
        if segment.isOwn, parsed.payloads.count < segment.records {
            lostOwnRecords += segment.records - parsed.payloads.count
        }
        // Nothing in a segment is settled before it is read: every good record is unsettled now.
        segment.records = parsed.payloads.count
        segment.unsettled = parsed.payloads.count
        segments[sequence] = segment
        reading = Reading(segment: sequence, bytes: bytes, payloads: parsed.payloads)
    }

    /// One record taken from `segment` was settled (acknowledged, or rejected, by the writer).
    func settle(segment: UInt64) {
        guard segments[segment] != nil else { return }
        segments[segment]!.unsettled -= 1
        removeIfDone(segment)
    }

    private func removeIfDone(_ sequence: UInt64) {
        guard let segment = segments[sequence], segment.fullyRead, segment.unsettled <= 0 else { return }
        do {
            try segment.file.remove()
        } catch {
            logger.error("execlog: cannot delete a spent spool segment", metadata: ["error": "\(error)"])
        }
        totalBytes -= segment.file.size
        segments[sequence] = nil
    }

    /// Syncs what was written (unless ``SpoolSync/none``) and releases the folder's lock.
    /// Idempotent; the spool is unusable afterwards.
    func close() {
        guard lockDescriptor >= 0 else { return }
        if sync != .none, needsSync, let writing {
            needsSync = false
            try? segments[writing]?.file.sync()
        }
        if let writing { segments[writing]?.file.closeForAppending() }
        writing = nil
        reading = nil
        closeDescriptor(lockDescriptor)
        lockDescriptor = -1
    }
}

/// `close(2)`, out of reach of the methods named `close` that would shadow it.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
