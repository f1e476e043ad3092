import CZeroMQ
import Glibc

/// A failed libzmq call: which call, and the errno it left.
///
/// libzmq reports failures through errno, partly with its own codes (`ETERM`, `EFSM`, …)
/// that `strerror` does not know, so ``description`` goes through `zmq_strerror`.
public struct ZMQError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The call that failed, with its argument where that helps, e.g. `zmq_bind(tcp://x)`.
    public var operation: String
    /// The errno value.
    public var code: Int32

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// Captures errno right after a failed libzmq call.
    static func last(_ operation: @autoclosure () -> String) -> ZMQError {
        // Read errno before anything else (building the string may allocate and clobber it).
        let code = czmq_errno()
        return ZMQError(operation: operation(), code: code)
    }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(code)))"
    }
}

// MARK: - Recognising the codes callers branch on

extension ZMQError {
    /// `EAGAIN`: non-blocking mode and nothing to do, or a send/receive timeout expired.
    public var isWouldBlock: Bool { code == EAGAIN }

    /// `ETERM`: the context was shut down or terminated; close the socket and stop.
    public var isContextTerminated: Bool { code == ETERM }

    /// `EINTR`: a signal interrupted the call. The wrappers retry these themselves.
    public var isInterrupted: Bool { code == EINTR }

    /// `EHOSTUNREACH`: a ROUTER with `routerMandatory` was asked to send to an unknown peer.
    public var isHostUnreachable: Bool { code == EHOSTUNREACH }

    /// Whether `error` is a ``ZMQError`` with `EAGAIN`; handy in `catch` clauses.
    public static func isWouldBlock(_ error: any Error) -> Bool {
        (error as? ZMQError)?.isWouldBlock ?? false
    }

    /// Whether `error` is a ``ZMQError`` with `ETERM`; handy in `catch` clauses.
    public static func isContextTerminated(_ error: any Error) -> Bool {
        (error as? ZMQError)?.isContextTerminated ?? false
    }

    /// Whether `error` is a ``ZMQError`` with `EINTR`.
    public static func isInterrupted(_ error: any Error) -> Bool {
        (error as? ZMQError)?.isInterrupted ?? false
    }

    /// Whether `error` is a ``ZMQError`` with `EHOSTUNREACH`.
    public static func isHostUnreachable(_ error: any Error) -> Bool {
        (error as? ZMQError)?.isHostUnreachable ?? false
    }
}
