import CZeroMQ
import Glibc

/// Readiness flags, as requested from and reported by ``Poller/poll(_:timeoutMilliseconds:)``.
public struct PollEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int16

    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// A message can be received (socket), or data read (file descriptor).
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    /// A message can be sent (socket), or data written (file descriptor).
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
    /// File descriptors only: an error condition (`POLLERR`); reported without being asked for.
    public static let error = PollEvents(rawValue: Int16(ZMQ_POLLERR))
}

/// One thing to poll: a socket of the polling thread, or a plain file descriptor.
///
/// An item holds its socket (or ``WakeupSignal``) strongly, so polling never touches a freed
/// handle; a socket closed meanwhile makes the poll throw `ENOTSOCK`.
public struct PollItem {
    /// The socket polled, or nil for a file descriptor.
    public let socket: ZMQSocket?
    /// The file descriptor polled; ignored when ``socket`` is set.
    public let fileDescriptor: Int32
    /// What to wait for.
    public var events: PollEvents
    /// What the last poll found; empty before the first.
    public internal(set) var readyEvents: PollEvents = []
    /// Keeps the owner of ``fileDescriptor`` (a ``WakeupSignal``) from closing it.
    private let owner: AnyObject?

    /// Polls a socket. It must belong to the polling thread, like any socket use.
    public init(_ socket: ZMQSocket, events: PollEvents = .readable) {
        self.socket = socket
        self.fileDescriptor = -1
        self.events = events
        self.owner = nil
    }

    /// Polls a file descriptor owned by the caller, who keeps it open while polling.
    public init(fileDescriptor: Int32, events: PollEvents = .readable) {
        self.socket = nil
        self.fileDescriptor = fileDescriptor
        self.events = events
        self.owner = nil
    }

    /// Polls a wakeup signal for readability.
    public init(_ signal: WakeupSignal) {
        self.socket = nil
        self.fileDescriptor = signal.fileDescriptor
        self.events = .readable
        self.owner = signal
    }

    public var isReadable: Bool { readyEvents.contains(.readable) }
    public var isWritable: Bool { readyEvents.contains(.writable) }
}

/// `zmq_poll` over sockets and file descriptors together.
public enum Poller {
    /// Waits until at least one item is ready or the timeout passes. Blocking.
    ///
    /// Sets each item's ``PollItem/readyEvents``. A signal interrupting the wait (`EINTR`)
    /// resumes it with the time left.
    ///
    /// - Parameter timeoutMilliseconds: 0 returns at once; negative waits forever.
    /// - Returns: How many items are ready; 0 on timeout.
    /// - Throws: ``ZMQError``: `ETERM` once a polled socket's context is shut down,
    ///   `ENOTSOCK` for a closed socket.
    @available(*, noasync, message: "Blocks the thread; call it from a dedicated thread")
    public static func poll(_ items: inout [PollItem], timeoutMilliseconds: Int) throws -> Int {
        let count = items.count
        // On the stack for the usual handful of items: no heap allocation per poll.
        return try withUnsafeTemporaryAllocation(of: zmq_pollitem_t.self, capacity: count) { raw in
            for index in 0..<count {
                let item = items[index]
                raw[index] = zmq_pollitem_t(
                    socket: try item.socket?.checkedHandle("zmq_poll"),
                    fd: item.fileDescriptor,
                    events: item.events.rawValue,
                    revents: 0
                )
            }
            let deadline = timeoutMilliseconds > 0
                ? ContinuousClock.now + .milliseconds(timeoutMilliseconds)
                : nil
            var timeout = timeoutMilliseconds
            while true {
                let ready = zmq_poll(raw.baseAddress, Int32(count), timeout)
                if ready >= 0 {
                    for index in 0..<count {
                        items[index].readyEvents = PollEvents(rawValue: raw[index].revents)
                    }
                    return Int(ready)
                }
                let error = ZMQError.last("zmq_poll")
                guard error.isInterrupted else { throw error }
                if let deadline {
                    timeout = Self.millisecondsUntil(deadline)
                }
            }
        }
    }

    /// Rounded up, so a retry never polls with 0 while time remains.
    private static func millisecondsUntil(_ deadline: ContinuousClock.Instant) -> Int {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }
}
