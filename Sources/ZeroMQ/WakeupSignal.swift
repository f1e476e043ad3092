import CZeroMQ
import Glibc

/// A Linux eventfd that lets any thread wake a thread blocked in ``Poller/poll(_:timeoutMilliseconds:)``.
///
/// The owner polls it (`PollItem(signal)`), and calls ``drain()`` when it
/// becomes readable. Signals coalesce: many ``signal()`` calls before a ``drain()`` wake the
/// owner once.
public final class WakeupSignal: Sendable {
    /// The eventfd. Closed when the signal is released.
    public let fileDescriptor: Int32

    public init() throws {
        let descriptor = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard descriptor >= 0 else { throw ZMQError(operation: "eventfd", code: errno) }
        fileDescriptor = descriptor
    }

    /// Wakes the owner. Any thread; never blocks.
    public func signal() {
        var one: UInt64 = 1
        while write(fileDescriptor, &one, MemoryLayout<UInt64>.size) == -1 {
            // EAGAIN means the counter is saturated: already signalled, nothing lost.
            guard errno == EINTR else { return }
        }
    }

    /// Resets the signal so the descriptor stops polling readable. Owner thread; never blocks.
    /// - Returns: Whether it was signalled.
    @discardableResult
    public func drain() -> Bool {
        var count: UInt64 = 0
        while read(fileDescriptor, &count, MemoryLayout<UInt64>.size) == -1 {
            // EAGAIN: not signalled.
            guard errno == EINTR else { return false }
        }
        return true
    }

    deinit {
        close(fileDescriptor)
    }
}
