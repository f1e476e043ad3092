import ExecLogTestSupport
import Foundation
import Testing
import ZeroMQ

@testable import ExecLog

/// The disk spool on its own: framing, segments, corruption, deletion, the folder lock.
@Suite struct SpoolTests {
    /// A JSON-like payload of about `size` bytes, unique per index.
    func payload(_ index: Int, size: Int = 100) -> [UInt8] {
        let text = "{\"id\":\"event-\(index)\",\"pad\":\"" + String(repeating: "x", count: max(0, size - 30)) + "\"}"
        return Array(text.utf8)
    }

    func segmentFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".spool") }.sorted()
    }

    @Test func aSpoolingQueueOverflowsInsteadOfDropping() throws {
        let queue = SendQueue(maxBytes: 1_000, wakeup: try WakeupSignal(), spooling: true)
        #expect(queue.append(sampleExecution(0), size: .init(json: 800, memory: 800)) == .queued)
        #expect(queue.append(sampleExecution(1), size: .init(json: 800, memory: 800)) == .overflow)
        #expect(queue.append(sampleExecution(2), size: .init(json: 8 << 20, memory: 8 << 20)) == .full)  // past the overflow bound
        #expect(queue.counters.queued == 2)
        #expect(queue.counters.dropped == 1)
        #expect(queue.counters.bufferedBytes == 1_600)
        #expect(queue.flushState(through: 1) == .pending)

        var buffer: [SendQueue.Entry] = []
        var overflow: [SendQueue.Entry] = []
        _ = queue.take(into: &buffer, overflow: &overflow)
        #expect(buffer.map(\.sequence) == [0])
        #expect(overflow.map(\.sequence) == [1])
        #expect(queue.counters.queued == 2)
        #expect(queue.counters.bufferedBytes == 800)  // overflow bytes are released once taken
        #expect(queue.reserve(100))
        #expect(!queue.reserve(200))
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func recordsRoundTripAndCorruptionIsSkippedAndCounted() {
        let payloads = (0..<5).map { payload($0) }
        var bytes = payloads.flatMap(SpoolRecord.encode)
        #expect(SpoolRecord.parse(bytes).payloads.map { Array(bytes[$0]) } == payloads)
        #expect(SpoolRecord.parse(bytes).corruptRegions == 0)

        let recordSize = SpoolRecord.headerBytes + payloads[0].count
        bytes[recordSize + 40] ^= 0x01  // record 1: a flipped payload bit, caught by the CRC
        bytes[3 * recordSize + 1] ^= 0x20  // record 3: a damaged magic
        bytes.removeLast(7)  // record 4: a torn tail
        let parsed = SpoolRecord.parse(bytes)
        #expect(parsed.payloads.map { Array(bytes[$0]) } == [payloads[0], payloads[2]])
        #expect(parsed.corruptRegions == 2)  // records 1, and 3 + 4 (no good record between them)
        #expect(SpoolRecord.parse([0, 0, 0]).corruptRegions == 1)
        #expect(SpoolRecord.parse([]) == SpoolRecord.Parsed())
    }

    @Test func segmentsRotateAndAreDeletedOnlyOnceEveryRecordIsSettled() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/spool"
        let spool = try Spool(directory: path, maxBytes: 1 << 20, sync: .batch, segmentBytes: 1_000)
        for index in 0..<10 {
            guard case .spooled = spool.append(payload(index, size: 300), sequence: UInt64(index + 5)) else {
                Issue.record("append \(index) refused")
                return
            }
        }
        spool.endOfBurst()
        let files = try segmentFiles(path)
        // ~308-byte records; a segment is rotated once it reaches 1 000 bytes: 4 + 4 + 2.
        #expect(files.count == 3)
        #expect(files.first == "segment-0000000000000001.spool")
        #expect(spool.lowestOwnSequence == 5)

        let records = spool.take { _ in true }
        #expect(records.map(\.json) == (0..<10).map { payload($0, size: 300) })
        #expect(records.allSatisfy { !$0.isFromEarlierProcess })
        #expect(spool.take { _ in true }.isEmpty)  // each record is taken once

        let first = records[0].segment
        let inFirst = records.filter { $0.segment == first }
        #expect(inFirst.count == 4)
        for _ in 0..<3 { spool.settle(segment: first) }
        #expect(try segmentFiles(path).count == 3)  // one record of the first segment still unacked
        spool.settle(segment: first)
        #expect(try segmentFiles(path).count == 2)
        for record in records where record.segment != first { spool.settle(segment: record.segment) }
        #expect(try segmentFiles(path).isEmpty)
        #expect(spool.totalBytes == 0)
        #expect(spool.lowestOwnSequence == nil)
        spool.close()
    }

    @Test func takeStopsWhereAdmitRefusesAndResumesThere() throws {
        let directory = try TemporaryDirectory()
        let spool = try Spool(directory: directory.path + "/spool", maxBytes: 1 << 20, sync: .none)
        for index in 0..<6 { _ = spool.append(payload(index), sequence: UInt64(index)) }
        var admitted = 0
        let firstPart = spool.take { _ in
            admitted += 1
            return admitted <= 2
        }
        #expect(firstPart.map(\.json) == [payload(0), payload(1)])
        let rest = spool.take { _ in true }
        #expect(rest.map(\.json) == (2..<6).map { payload($0) })
        // Appends after the reader sealed the segment go to a new one, read in turn.
        _ = spool.append(payload(6), sequence: 6)
        #expect(spool.take { _ in true }.map(\.json) == [payload(6)])
        spool.close()
    }

    @Test func aNewSpoolReplaysWhatAnEarlierOneLeftSkippingCorruptRecords() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/spool"
        do {
            let spool = try Spool(directory: path, maxBytes: 1 << 20, sync: .always)
            for index in 0..<6 { _ = spool.append(payload(index), sequence: UInt64(index)) }
            spool.close()
        }
        // Damage the segment: a flipped byte in record 2, and a torn last record (a crash mid-write).
        let file = path + "/" + (try #require(try segmentFiles(path).first))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let recordSize = SpoolRecord.headerBytes + payload(0).count
        bytes[2 * recordSize + SpoolRecord.headerBytes + 10] ^= 0x40
        bytes.removeLast(recordSize / 2)
        try Data(bytes).write(to: URL(fileURLWithPath: file))

        let spool = try Spool(directory: path, maxBytes: 1 << 20, sync: .batch)
        let records = spool.take { _ in true }
        #expect(records.map(\.json) == [payload(0), payload(1), payload(3), payload(4)])
        #expect(records.allSatisfy { $0.isFromEarlierProcess })
        #expect(spool.corruptRegions == 2)
        #expect(spool.lostOwnRecords == 0)  // not this process's records
        #expect(spool.lowestOwnSequence == nil)
        // New appends go to a new segment, numbered after the old one.
        _ = spool.append(payload(9), sequence: 0)
        #expect(try segmentFiles(path) == ["segment-0000000000000001.spool", "segment-0000000000000002.spool"])
        for record in records { spool.settle(segment: record.segment) }
        #expect(try segmentFiles(path) == ["segment-0000000000000002.spool"])
        spool.close()
    }

    @Test func aFullSpoolRefusesAppends() throws {
        let directory = try TemporaryDirectory()
        let spool = try Spool(directory: directory.path + "/spool", maxBytes: 500, sync: .none)
        #expect(spool.append(payload(0, size: 200), sequence: 0) != .full)
        #expect(spool.append(payload(1, size: 200), sequence: 1) != .full)
        #expect(spool.append(payload(2, size: 200), sequence: 2) == .full)
        #expect(spool.totalBytes == 2 * (SpoolRecord.headerBytes + payload(0, size: 200).count))
        spool.close()
    }

    @Test func theLockKeepsASecondSpoolOut() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/spool"
        let spool = try Spool(directory: path, maxBytes: 1 << 20, sync: .batch)
        let error = #expect(throws: SpoolError.self) {
            _ = try Spool(directory: path, maxBytes: 1 << 20, sync: .batch)
        }
        #expect(error?.message.contains("in use") == true)

        // Another process: flock(1) cannot take the lock either, until it is released.
        // flock(1) is util-linux's, on every Linux: its absence fails the test, it is not skipped.
        func otherProcessGetsTheLock() throws -> Bool {
            let process = try ChildProcess(
                URL(fileURLWithPath: "/usr/bin/flock"), ["-n", path + "/" + Spool.lockFileName, "true"])
            return try #require(process.waitForExit(timeout: 10)) == 0
        }
        #expect(try !otherProcessGetsTheLock())

        spool.close()
        #expect(try otherProcessGetsTheLock())
        let again = try Spool(directory: path, maxBytes: 1 << 20, sync: .batch)
        again.close()
    }
}
