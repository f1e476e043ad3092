import CZeroMQ
import Glibc

/// A libzmq socket.
///
/// libzmq sockets are not thread-safe, so this class is deliberately not `Sendable`: create it,
/// use it and close it on one thread. To stop that thread from another one, call
/// ``ZMQContext/shutdown()`` or signal a ``WakeupSignal`` it polls.
///
/// The socket keeps its ``context`` alive, and closes itself on deinit.
public final class ZMQSocket {
    /// The socket patterns this wrapper supports.
    public enum SocketType: Sendable, Hashable, CaseIterable {
        case dealer, router, pair, req, rep, push, pull, pub, sub

        var zmqType: Int32 {
            switch self {
            case .dealer: ZMQ_DEALER
            case .router: ZMQ_ROUTER
            case .pair: ZMQ_PAIR
            case .req: ZMQ_REQ
            case .rep: ZMQ_REP
            case .push: ZMQ_PUSH
            case .pull: ZMQ_PULL
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            }
        }
    }

    /// The context the socket belongs to; held strongly so it outlives the socket.
    public let context: ZMQContext
    public let type: SocketType
    /// The `void *` from `zmq_socket`, nil once closed.
    private var handle: UnsafeMutableRawPointer?

    public init(context: ZMQContext, type: SocketType) throws {
        guard let handle = zmq_socket(context.handle, type.zmqType) else {
            throw ZMQError.last("zmq_socket")
        }
        self.context = context
        self.type = type
        self.handle = handle
    }

    deinit {
        close()
    }

    /// Closes the socket. Idempotent. Later calls on the socket throw `ENOTSOCK`.
    ///
    /// Never blocks: messages still queued are flushed in the background for up to
    /// ``SocketOption/linger`` milliseconds (0 unless set), and that wait happens in
    /// `zmq_ctx_term`, when the context is released.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        // Fails only with ENOTSOCK for an invalid handle, which ours never is.
        _ = zmq_close(handle)
    }

    public var isClosed: Bool { handle == nil }

    /// The live handle, or `ENOTSOCK` once closed (rather than handing libzmq a dangling pointer).
    func checkedHandle(_ operation: @autoclosure () -> String) throws -> UnsafeMutableRawPointer {
        guard let handle else { throw ZMQError(operation: operation(), code: ENOTSOCK) }
        return handle
    }

    // MARK: - Endpoints

    /// Binds to an endpoint such as `tcp://127.0.0.1:*`, `ipc:///path` or `inproc://name`.
    /// With a wildcard port, read ``lastEndpoint`` to learn the port chosen.
    public func bind(_ endpoint: String) throws {
        let handle = try checkedHandle("zmq_bind(\(endpoint))")
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("zmq_bind(\(endpoint))") }
    }

    /// Connects to an endpoint. Returns at once: libzmq connects, and reconnects, in the background.
    public func connect(_ endpoint: String) throws {
        let handle = try checkedHandle("zmq_connect(\(endpoint))")
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("zmq_connect(\(endpoint))") }
    }

    /// Undoes a ``connect(_:)``; `endpoint` must be spelled as it was connected.
    public func disconnect(_ endpoint: String) throws {
        let handle = try checkedHandle("zmq_disconnect(\(endpoint))")
        guard zmq_disconnect(handle, endpoint) == 0 else {
            throw ZMQError.last("zmq_disconnect(\(endpoint))")
        }
    }

    /// Undoes a ``bind(_:)``. After a wildcard bind, pass the resolved ``lastEndpoint``.
    public func unbind(_ endpoint: String) throws {
        let handle = try checkedHandle("zmq_unbind(\(endpoint))")
        guard zmq_unbind(handle, endpoint) == 0 else { throw ZMQError.last("zmq_unbind(\(endpoint))") }
    }

    // MARK: - Sending

    /// Sends one multipart message (`ZMQ_SNDMORE` on every frame but the last). Blocking.
    ///
    /// - Parameters:
    ///   - frames: At least one frame; frames may be empty.
    ///   - dontWait: Fail fast with `false` instead of blocking when the message cannot be queued.
    /// - Returns: `true` once the whole message is queued; `false` if nothing was sent because
    ///   the first frame met `EAGAIN` (`dontWait`, or ``SocketOption/sendTimeout`` expired).
    /// - Throws: ``ZMQError``, e.g. `ETERM` after ``ZMQContext/shutdown()``, or `EHOSTUNREACH`
    ///   from a ROUTER with ``WriteOnlySocketOption/routerMandatory``.
    @available(*, noasync, message: "Blocks the thread; call it from a dedicated thread")
    public func send(_ frames: [[UInt8]], dontWait: Bool = false) throws -> Bool {
        try sendMultipart(frameCount: frames.count, dontWait: dontWait) { index, handle, flags in
            frames[index].withUnsafeBytes { bytes in
                // libzmq explicitly accepts a NULL buffer for a zero-length frame.
                zmq_send(handle, bytes.baseAddress, bytes.count, flags)
            }
        }
    }

    /// Sends one multipart message of UTF-8 frames. Blocking; behaves as the `[[UInt8]]` overload.
    @available(*, noasync, message: "Blocks the thread; call it from a dedicated thread")
    public func send(_ frames: [String], dontWait: Bool = false) throws -> Bool {
        try sendMultipart(frameCount: frames.count, dontWait: dontWait) { index, handle, flags in
            var frame = frames[index]
            return frame.withUTF8 { bytes in
                zmq_send(handle, bytes.baseAddress, bytes.count, flags)
            }
        }
    }

    /// The multipart loop shared by the `send` overloads; `sendFrame` wraps one `zmq_send`.
    private func sendMultipart(
        frameCount: Int,
        dontWait: Bool,
        _ sendFrame: (_ index: Int, _ handle: UnsafeMutableRawPointer, _ flags: Int32) -> Int32
    ) throws -> Bool {
        let handle = try checkedHandle("zmq_send")
        guard frameCount > 0 else {
            // A ZeroMQ message has at least one frame.
            throw ZMQError(operation: "zmq_send(no frames)", code: EINVAL)
        }
        let baseFlags = dontWait ? ZMQ_DONTWAIT : 0
        for index in 0..<frameCount {
            let flags = index < frameCount - 1 ? baseFlags | ZMQ_SNDMORE : baseFlags
            while sendFrame(index, handle, flags) == -1 {
                let error = ZMQError.last("zmq_send(frame \(index + 1) of \(frameCount))")
                if error.isInterrupted { continue }
                // libzmq admits a message whole at its first frame (high-water marks count whole
                // messages), so EAGAIN later is not expected; if it came, the message would be
                // half-queued, which the caller must hear about as an error.
                if error.isWouldBlock && index == 0 { return false }
                throw error
            }
        }
        return true
    }

    // MARK: - Receiving

    /// Receives one whole multipart message. Blocking.
    ///
    /// - Parameter dontWait: Return nil at once instead of blocking when nothing is queued.
    /// - Returns: The frames, or nil on `EAGAIN`: `dontWait` and nothing queued, or
    ///   ``SocketOption/receiveTimeout`` expired.
    /// - Throws: ``ZMQError``, e.g. `ETERM` after ``ZMQContext/shutdown()``.
    @available(*, noasync, message: "Blocks the thread; call it from a dedicated thread")
    public func receive(dontWait: Bool = false) throws -> [[UInt8]]? {
        let handle = try checkedHandle("zmq_msg_recv")
        let flags = dontWait ? ZMQ_DONTWAIT : 0
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        // One zmq_msg_t at a stable address for the whole loop: a small frame's bytes live
        // inside the zmq_msg_t itself.
        return try withUnsafeMutablePointer(to: &message) { message in
            while true {
                _ = zmq_msg_init(message)  // Cannot fail.
                defer { _ = zmq_msg_close(message) }
                while zmq_msg_recv(message, handle, flags) == -1 {
                    let error = ZMQError.last("zmq_msg_recv")
                    if error.isInterrupted { continue }
                    // Later frames of a message are delivered with the first (atomic delivery),
                    // so EAGAIN can only mean "no message".
                    if error.isWouldBlock && frames.isEmpty { return nil }
                    throw error
                }
                let size = zmq_msg_size(message)
                let source = UnsafeRawBufferPointer(start: zmq_msg_data(message), count: size)
                frames.append([UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                    count = size
                })
                if zmq_msg_more(message) == 0 { return frames }
            }
        }
    }
}

// One thread owns a socket; forbid passing it to another.
@available(*, unavailable)
extension ZMQSocket: Sendable {}
