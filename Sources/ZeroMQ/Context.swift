import CZeroMQ
import Glibc

/// A libzmq context: its I/O threads and the registry of `inproc://` endpoints.
///
/// Contexts are thread-safe, so this class is `Sendable`. Every ``ZMQSocket`` holds a strong
/// reference to its context; the context is therefore terminated only once all its sockets are
/// gone, and `zmq_ctx_term` cannot wait on a socket that nobody will ever close.
public final class ZMQContext: Sendable {
    /// The `void *` from `zmq_ctx_new`; libzmq synchronises access to it.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    /// Creates a context.
    ///
    /// The context is created with `ZMQ_BLOCKY` off, which makes the default linger of its
    /// sockets 0: termination never waits for undelivered messages of a forgotten socket. Set
    /// ``SocketOption/linger`` on a socket that must flush its queue before closing.
    ///
    /// A context needs a few file descriptors; if they are exhausted this traps, as memory
    /// exhaustion would.
    public init() {
        guard let handle = zmq_ctx_new() else {
            fatalError("\(ZMQError.last("zmq_ctx_new"))")
        }
        // Cannot fail for a valid context and option.
        _ = zmq_ctx_set(handle, ZMQ_BLOCKY, 0)
        self.handle = handle
    }

    /// Shuts the context down without destroying it: every blocking call on its sockets
    /// (send, receive, poll), now or later, fails at once with `ETERM`.
    ///
    /// Callable from any thread; this is how another thread stops a thread blocked in libzmq.
    /// The sockets must still be closed (released) before the context is freed.
    public func shutdown() {
        // Only fails with EFAULT for an invalid context, which `handle` never is.
        _ = zmq_ctx_shutdown(handle)
    }

    /// Terminates the context. Sockets keep their context alive, so by now all are closed;
    /// this waits only for sockets given a positive linger to flush.
    deinit {
        while zmq_ctx_term(handle) == -1, czmq_errno() == EINTR {}
    }
}
