import ZeroMQ

/// Tells, from the DEALER's connection events, when the connection to the writer came back after
/// being lost. Socket-free, so it is tested on its own.
///
/// The first CONNECTED is only the start: nothing was sent before it (the DEALER is `immediate`).
/// A CONNECTED after a DISCONNECTED is a reconnection (the writer restarted, or a dropped
/// connection was remade): whatever was in flight on the old connection will never be answered.
struct ReconnectDetector {
    private(set) var disconnected = false

    /// Feeds one event; true when it is a reconnection.
    mutating func observe(_ event: SocketEvents) -> Bool {
        if event == .disconnected {
            disconnected = true
        } else if event == .connected, disconnected {
            disconnected = false
            return true
        }
        return false
    }
}

/// Watches the sender's DEALER with a libzmq socket monitor, so that batches in flight on a connection
/// that died are resent as soon as the writer is back, not after `ackTimeout`.
///
/// Owned by the sender's thread, like the socket it watches: poll ``pollItem`` with the socket, and call
/// ``reconnected()`` each turn.
final class ConnectionMonitor {
    private let monitor: SocketMonitor
    private var detector = ReconnectDetector()

    init(socket: ZMQSocket) throws {
        monitor = try SocketMonitor(monitoring: socket, events: [.connected, .disconnected])
    }

    /// Readable when connection events are queued.
    var pollItem: PollItem { PollItem(monitor.socket) }

    /// Reads every queued event; true when the connection came back after a loss since the last call.
    /// Never throws: a monitor that fails only loses the shortcut (the ack timeout still resends), and
    /// its socket stays open so that polling ``pollItem`` keeps working.
    func reconnected() -> Bool {
        var reconnected = false
        while let event = try? monitor.receive(dontWait: true) {
            if detector.observe(event.event) { reconnected = true }
        }
        return reconnected
    }

    /// Stops the monitor and closes its socket: call it after the last poll, before closing the DEALER.
    func stop() {
        monitor.stop()
    }
}
