import Testing

@testable import ExecLog

@Suite struct ExactCopyTests {
    /// The sender encodes every event into one buffer it keeps: what it queues must not share that
    /// buffer's capacity (which fits the largest event so far).
    @Test func aCopyHoldsItsBytesOnlyAndLeavesTheBufferUnshared() {
        var buffer = [UInt8](repeating: 7, count: 200_000)
        buffer.removeAll(keepingCapacity: true)
        let capacity = buffer.capacity
        buffer.append(contentsOf: [1, 2, 3])
        let copy = buffer.exactCopy()
        #expect(copy == [1, 2, 3])
        #expect(copy.capacity < 64)
        // Unshared: emptying the buffer again keeps its own storage instead of allocating another.
        let before = buffer.withUnsafeBufferPointer { $0.baseAddress }
        buffer.removeAll(keepingCapacity: true)
        #expect(buffer.withUnsafeBufferPointer { $0.baseAddress } == before)
        #expect(buffer.capacity == capacity)
        #expect([UInt8]().exactCopy().isEmpty)
    }
}
