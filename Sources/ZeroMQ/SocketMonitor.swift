import CZeroMQ
import Glibc
import Synchronization

/// Which socket events a ``SocketMonitor`` reports (libzmq's `ZMQ_EVENT_*` flags).
public struct SocketEvents: OptionSet, Sendable, Hashable {
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// A connection (made by `connect`) is established at the transport level; the ZMTP handshake follows.
    public static let connected = SocketEvents(rawValue: ZMQ_EVENT_CONNECTED)
    /// A connect is pending (non-blocking connect in progress).
    public static let connectDelayed = SocketEvents(rawValue: ZMQ_EVENT_CONNECT_DELAYED)
    /// A connect failed and is retried; the value is the retry interval in milliseconds.
    public static let connectRetried = SocketEvents(rawValue: ZMQ_EVENT_CONNECT_RETRIED)
    public static let listening = SocketEvents(rawValue: ZMQ_EVENT_LISTENING)
    public static let bindFailed = SocketEvents(rawValue: ZMQ_EVENT_BIND_FAILED)
    public static let accepted = SocketEvents(rawValue: ZMQ_EVENT_ACCEPTED)
    public static let acceptFailed = SocketEvents(rawValue: ZMQ_EVENT_ACCEPT_FAILED)
    public static let closed = SocketEvents(rawValue: ZMQ_EVENT_CLOSED)
    public static let closeFailed = SocketEvents(rawValue: ZMQ_EVENT_CLOSE_FAILED)
    /// A connection was lost (the peer closed it, died, or missed its heartbeats).
    public static let disconnected = SocketEvents(rawValue: ZMQ_EVENT_DISCONNECTED)
    /// The monitor stopped (the monitored socket closed, or ``SocketMonitor/stop()``).
    public static let monitorStopped = SocketEvents(rawValue: ZMQ_EVENT_MONITOR_STOPPED)
    public static let handshakeFailedNoDetail = SocketEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    /// The ZMTP (and security) handshake completed: messages can flow.
    public static let handshakeSucceeded = SocketEvents(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
    public static let handshakeFailedProtocol = SocketEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
    public static let handshakeFailedAuth = SocketEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
    /// Every event of the version-1 monitor protocol.
    public static let all = SocketEvents(rawValue: ZMQ_EVENT_ALL)
}

/// One event reported by a ``SocketMonitor``, parsed from libzmq's two-frame monitor message.
public struct SocketEvent: Sendable, Equatable, CustomStringConvertible {
    /// The single flag this event is (one of ``SocketEvents``' members; an unknown id is kept as is).
    public var event: SocketEvents
    /// The event's value: a file descriptor for most events, an errno for the `…Failed` ones, the
    /// retry interval in milliseconds for ``SocketEvents/connectRetried``.
    public var value: UInt32
    /// The endpoint concerned, as the socket knows it (e.g. `tcp://127.0.0.1:5599`).
    public var endpoint: String

    public init(event: SocketEvents, value: UInt32, endpoint: String) {
        self.event = event
        self.value = value
        self.endpoint = endpoint
    }

    /// Parses a monitor message: frame 1 is a 16-bit event id and a 32-bit value, little-endian
    /// (6 bytes); frame 2 is the endpoint. Nil for anything else.
    public init?(frames: [[UInt8]]) {
        guard frames.count == 2, frames[0].count == 6 else { return nil }
        let header = frames[0]
        let id = UInt16(header[0]) | UInt16(header[1]) << 8
        let value = UInt32(header[2]) | UInt32(header[3]) << 8 | UInt32(header[4]) << 16 | UInt32(header[5]) << 24
        self.init(event: SocketEvents(rawValue: Int32(id)), value: value, endpoint: String(decoding: frames[1], as: UTF8.self))
    }

    public var description: String {
        let names: [(SocketEvents, String)] = [
            (.connected, "connected"), (.connectDelayed, "connect delayed"), (.connectRetried, "connect retried"),
            (.listening, "listening"), (.bindFailed, "bind failed"), (.accepted, "accepted"),
            (.acceptFailed, "accept failed"), (.closed, "closed"), (.closeFailed, "close failed"),
            (.disconnected, "disconnected"), (.monitorStopped, "monitor stopped"),
            (.handshakeFailedNoDetail, "handshake failed"), (.handshakeSucceeded, "handshake succeeded"),
            (.handshakeFailedProtocol, "handshake failed (protocol)"), (.handshakeFailedAuth, "handshake failed (auth)"),
        ]
        let name = names.first { $0.0 == event }?.1 ?? "event 0x\(String(event.rawValue, radix: 16))"
        return "\(name) \(endpoint) (\(value))"
    }
}

/// Reports a socket's connection events (`zmq_socket_monitor`): libzmq publishes them on a PAIR socket
/// it binds to a private `inproc://` endpoint, and the monitor connects its own PAIR there.
///
/// Like any socket, the monitor belongs to one thread: the thread that owns the monitored socket.
/// Poll ``socket`` with ``Poller`` next to the monitored socket, then read the events with
/// ``receive(dontWait:)``. Create the monitor before the monitored socket connects or binds to see
/// every event from the start; events raised before that are not reported.
public final class SocketMonitor {
    /// Our end of the monitor pipe: poll it for readability.
    public let socket: ZMQSocket
    /// The inproc endpoint libzmq publishes the events on.
    public let endpoint: String
    private let monitored: ZMQSocket
    private var stopped = false

    private static let counter = Atomic<UInt64>(0)

    /// Starts monitoring `monitored` for `events`.
    ///
    /// - Throws: ``ZMQError``: `ENOTSOCK` for a closed socket, `EPROTONOSUPPORT` if libzmq was built
    ///   without monitoring.
    public init(monitoring monitored: ZMQSocket, events: SocketEvents = [.connected, .disconnected]) throws {
        let number = Self.counter.add(1, ordering: .relaxed).newValue
        let endpoint = "inproc://zmq-monitor-\(getpid())-\(number)"
        let handle = try monitored.checkedHandle("zmq_socket_monitor(\(endpoint))")
        guard zmq_socket_monitor(handle, endpoint, events.rawValue) == 0 else {
            throw ZMQError.last("zmq_socket_monitor(\(endpoint))")
        }
        do {
            let socket = try ZMQSocket(context: monitored.context, type: .pair)
            try socket.setOption(.linger, value: 0)
            // inproc: attached at once, so every event from now on is queued for us.
            try socket.connect(endpoint)
            self.socket = socket
        } catch {
            _ = zmq_socket_monitor(handle, nil, 0)
            throw error
        }
        self.endpoint = endpoint
        self.monitored = monitored
    }

    deinit {
        stop()
    }

    /// The next event, or nil when none is queued (`dontWait`) or the receive timed out. A message that
    /// is not a monitor event (never expected) is skipped.
    @available(*, noasync, message: "Blocks the thread; call it from a dedicated thread")
    public func receive(dontWait: Bool = true) throws -> SocketEvent? {
        while let frames = try socket.receive(dontWait: dontWait) {
            if let event = SocketEvent(frames: frames) { return event }
        }
        return nil
    }

    /// Every event queued now, oldest first. Never blocks.
    @available(*, noasync, message: "Blocks the thread; call it from a dedicated thread")
    public func drain() throws -> [SocketEvent] {
        var events: [SocketEvent] = []
        while let event = try receive(dontWait: true) { events.append(event) }
        return events
    }

    /// Stops the monitoring and closes ``socket``. Idempotent; also done on deinit.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        if !monitored.isClosed, let handle = try? monitored.checkedHandle("zmq_socket_monitor") {
            _ = zmq_socket_monitor(handle, nil, 0)
        }
        socket.close()
    }
}

// Owned by the thread of the socket it monitors.
@available(*, unavailable)
extension SocketMonitor: Sendable {}
