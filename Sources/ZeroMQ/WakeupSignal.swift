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
        // Linux defines EFD_NONBLOCK and EFD_CLOEXEC as O_NONBLOCK and O_CLOEXEC.
        let descriptor = eventfd(0, O_NONBLOCK | O_CLOEXEC)
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

/// Swift's Glibc module does not import <sys/eventfd.h>, and a module cannot carry its own C
/// declaration; glibc exports the symbol, so look it up once.
private func eventfd(_ initialValue: UInt32, _ flags: Int32) -> Int32 {
    eventfdFunction(initialValue, flags)
}

private typealias EventFDFunction = @convention(c) (UInt32, Int32) -> Int32

private let eventfdFunction: EventFDFunction = {
    // A nil handle is RTLD_DEFAULT: search the whole process, where libc is loaded.
    guard let symbol = dlsym(nil, "eventfd") else {
        fatalError("eventfd not found in the C library")
    }
    return unsafeBitCast(symbol, to: EventFDFunction.self)
}()
