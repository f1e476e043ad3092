import CZeroMQ
import Glibc

/// A socket option that can be read and written, typed by its value.
///
///     try socket.setOption(.linger, value: 0)
///     let timeout = try socket.getOption(.receiveTimeout)
///
/// The CURVE keys come as `String` (40 Z85 characters) and as `[UInt8]` (32 raw bytes);
/// setting picks by the value, reading needs the result type spelled out.
public struct SocketOption<Value>: Sendable {
    /// The `ZMQ_*` option number.
    public let rawValue: Int32
    /// The `ZMQ_*` name, for error messages.
    public let name: String
    let get: @Sendable (ZMQSocket) throws -> Value
    let set: @Sendable (ZMQSocket, Value) throws -> Void
}

/// A socket option libzmq accepts but cannot report back.
public struct WriteOnlySocketOption<Value>: Sendable {
    /// The `ZMQ_*` option number.
    public let rawValue: Int32
    /// The `ZMQ_*` name, for error messages.
    public let name: String
    let set: @Sendable (ZMQSocket, Value) throws -> Void
}

extension ZMQSocket {
    public func setOption<Value>(_ option: SocketOption<Value>, value: Value) throws {
        try option.set(self, value)
    }

    public func setOption<Value>(_ option: WriteOnlySocketOption<Value>, value: Value) throws {
        try option.set(self, value)
    }

    public func getOption<Value>(_ option: SocketOption<Value>) throws -> Value {
        try option.get(self)
    }

    // MARK: Read-only state

    /// The endpoint last bound or connected, resolved: after binding `tcp://127.0.0.1:*` it
    /// carries the port chosen. Empty if the socket never bound or connected.
    public var lastEndpoint: String {
        get throws { try stringOption(ZMQ_LAST_ENDPOINT, "ZMQ_LAST_ENDPOINT", capacity: 1024) }
    }

    /// What the socket could do right now without blocking (`ZMQ_EVENTS`).
    public var events: PollEvents {
        get throws {
            PollEvents(rawValue: Int16(truncatingIfNeeded: try int32Option(ZMQ_EVENTS, "ZMQ_EVENTS")))
        }
    }

    /// The file descriptor libzmq signals for this socket (`ZMQ_FD`), for foreign event loops.
    ///
    /// It is edge-triggered and only says "check ``events``", not "a message is here";
    /// do not read from it or close it.
    public var fileDescriptor: Int32 {
        get throws { try int32Option(ZMQ_FD, "ZMQ_FD") }
    }

    // MARK: SUB

    /// Lets a SUB socket receive messages starting with `prefix`; an empty prefix matches all.
    public func subscribe(_ prefix: [UInt8] = []) throws {
        try prefix.withUnsafeBytes { try setRawOption(ZMQ_SUBSCRIBE, "ZMQ_SUBSCRIBE", $0) }
    }

    public func subscribe(_ prefix: String) throws {
        try subscribe(Array(prefix.utf8))
    }

    /// Undoes one `subscribe` with the same prefix.
    public func unsubscribe(_ prefix: [UInt8] = []) throws {
        try prefix.withUnsafeBytes { try setRawOption(ZMQ_UNSUBSCRIBE, "ZMQ_UNSUBSCRIBE", $0) }
    }

    public func unsubscribe(_ prefix: String) throws {
        try unsubscribe(Array(prefix.utf8))
    }
}

// MARK: - Raw accessors

extension ZMQSocket {
    /// The one setter every option goes through: `value` is the option's bytes.
    func setRawOption(_ option: Int32, _ name: String, _ value: UnsafeRawBufferPointer) throws {
        let handle = try checkedHandle("zmq_setsockopt(\(name))")
        guard zmq_setsockopt(handle, option, value.baseAddress, value.count) == 0 else {
            throw ZMQError.last("zmq_setsockopt(\(name))")
        }
    }

    /// The one getter every option goes through: fills `buffer`, returns the length libzmq wrote.
    func getRawOption(
        _ option: Int32,
        _ name: String,
        into buffer: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        let handle = try checkedHandle("zmq_getsockopt(\(name))")
        var length = buffer.count
        guard zmq_getsockopt(handle, option, buffer.baseAddress, &length) == 0 else {
            throw ZMQError.last("zmq_getsockopt(\(name))")
        }
        return length
    }

    func setInt32Option(_ option: Int32, _ name: String, _ value: Int32) throws {
        try withUnsafeBytes(of: value) { try setRawOption(option, name, $0) }
    }

    func int32Option(_ option: Int32, _ name: String) throws -> Int32 {
        var value: Int32 = 0
        _ = try withUnsafeMutableBytes(of: &value) { try getRawOption(option, name, into: $0) }
        return value
    }

    func setInt64Option(_ option: Int32, _ name: String, _ value: Int64) throws {
        try withUnsafeBytes(of: value) { try setRawOption(option, name, $0) }
    }

    func int64Option(_ option: Int32, _ name: String) throws -> Int64 {
        var value: Int64 = 0
        _ = try withUnsafeMutableBytes(of: &value) { try getRawOption(option, name, into: $0) }
        return value
    }

    func bytesOption(_ option: Int32, _ name: String, capacity: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: capacity)
        let length = try bytes.withUnsafeMutableBytes { try getRawOption(option, name, into: $0) }
        bytes.removeLast(capacity - length)
        return bytes
    }

    /// String options come back NUL-terminated, the NUL counted in the length.
    func stringOption(_ option: Int32, _ name: String, capacity: Int) throws -> String {
        var bytes = try bytesOption(option, name, capacity: capacity)
        if let end = bytes.firstIndex(of: 0) { bytes.removeSubrange(end...) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

// MARK: - Factories

extension SocketOption where Value == Int32 {
    static func int32(_ option: Int32, _ name: String) -> Self {
        Self(
            rawValue: option, name: name,
            get: { try $0.int32Option(option, name) },
            set: { try $0.setInt32Option(option, name, $1) }
        )
    }
}

extension SocketOption where Value == Int64 {
    static func int64(_ option: Int32, _ name: String) -> Self {
        Self(
            rawValue: option, name: name,
            get: { try $0.int64Option(option, name) },
            set: { try $0.setInt64Option(option, name, $1) }
        )
    }
}

extension SocketOption where Value == Bool {
    /// libzmq takes booleans as `int` 0 or 1.
    static func bool(_ option: Int32, _ name: String) -> Self {
        Self(
            rawValue: option, name: name,
            get: { try $0.int32Option(option, name) != 0 },
            set: { try $0.setInt32Option(option, name, $1 ? 1 : 0) }
        )
    }
}

extension SocketOption where Value == [UInt8] {
    static func bytes(_ option: Int32, _ name: String, capacity: Int) -> Self {
        Self(
            rawValue: option, name: name,
            get: { try $0.bytesOption(option, name, capacity: capacity) },
            set: { socket, value in try value.withUnsafeBytes { try socket.setRawOption(option, name, $0) } }
        )
    }
}

extension SocketOption where Value == String {
    /// Set without a terminating NUL; read with a buffer of `capacity` bytes including the NUL.
    static func string(_ option: Int32, _ name: String, capacity: Int) -> Self {
        Self(
            rawValue: option, name: name,
            get: { try $0.stringOption(option, name, capacity: capacity) },
            set: { socket, value in
                var value = value
                try value.withUTF8 { try socket.setRawOption(option, name, UnsafeRawBufferPointer($0)) }
            }
        )
    }
}

extension WriteOnlySocketOption where Value == Bool {
    static func bool(_ option: Int32, _ name: String) -> Self {
        Self(rawValue: option, name: name, set: { try $0.setInt32Option(option, name, $1 ? 1 : 0) })
    }
}

// MARK: - The options

extension SocketOption where Value == Int32 {
    /// Milliseconds that queued messages may delay `zmq_ctx_term` after close; -1 forever.
    /// 0 by default here, because ``ZMQContext`` turns `ZMQ_BLOCKY` off.
    public static var linger: Self { .int32(ZMQ_LINGER, "ZMQ_LINGER") }

    /// Messages queued per peer before sends block or drop (per socket type); 0 is unlimited.
    /// Default 1000. Applies to connections made after it is set.
    public static var sendHighWaterMark: Self { .int32(ZMQ_SNDHWM, "ZMQ_SNDHWM") }

    /// Messages queued per peer on receipt before libzmq stops reading; 0 is unlimited.
    /// Default 1000. Applies to connections made after it is set.
    public static var receiveHighWaterMark: Self { .int32(ZMQ_RCVHWM, "ZMQ_RCVHWM") }

    /// Milliseconds a blocking send waits before returning `false`; -1 (default) forever.
    public static var sendTimeout: Self { .int32(ZMQ_SNDTIMEO, "ZMQ_SNDTIMEO") }

    /// Milliseconds a blocking receive waits before returning nil; -1 (default) forever.
    public static var receiveTimeout: Self { .int32(ZMQ_RCVTIMEO, "ZMQ_RCVTIMEO") }

    /// Milliseconds before the first reconnection attempt; -1 never reconnects. Default 100.
    public static var reconnectInterval: Self { .int32(ZMQ_RECONNECT_IVL, "ZMQ_RECONNECT_IVL") }

    /// Upper bound in milliseconds for the reconnection back-off, doubling from
    /// ``reconnectInterval``; 0 (default) means no back-off.
    public static var reconnectIntervalMax: Self { .int32(ZMQ_RECONNECT_IVL_MAX, "ZMQ_RECONNECT_IVL_MAX") }

    /// Milliseconds between ZMTP PINGs; 0 (default) sends none.
    public static var heartbeatInterval: Self { .int32(ZMQ_HEARTBEAT_IVL, "ZMQ_HEARTBEAT_IVL") }

    /// Milliseconds without any traffic after a PING before the connection is dropped.
    /// -1 (default) means "same as ``heartbeatInterval``".
    public static var heartbeatTimeout: Self { .int32(ZMQ_HEARTBEAT_TIMEOUT, "ZMQ_HEARTBEAT_TIMEOUT") }

    /// Milliseconds the peer should wait for traffic before dropping us, sent in our PINGs.
    /// libzmq keeps it in tenths of a second: values round down to a multiple of 100.
    public static var heartbeatTTL: Self { .int32(ZMQ_HEARTBEAT_TTL, "ZMQ_HEARTBEAT_TTL") }

    /// `SO_KEEPALIVE` for TCP: -1 (default) leaves the OS default, 0 off, 1 on.
    public static var tcpKeepalive: Self { .int32(ZMQ_TCP_KEEPALIVE, "ZMQ_TCP_KEEPALIVE") }

    /// Milliseconds a new connection may take to complete the ZMTP (and CURVE) handshake
    /// before it is dropped; 0 is unlimited. Default 30 000.
    public static var handshakeInterval: Self { .int32(ZMQ_HANDSHAKE_IVL, "ZMQ_HANDSHAKE_IVL") }
}

extension SocketOption where Value == Int64 {
    /// Largest inbound message in bytes; a peer sending a larger one is disconnected and the
    /// message discarded. -1 (default) is unlimited.
    public static var maxMessageSize: Self { .int64(ZMQ_MAXMSGSIZE, "ZMQ_MAXMSGSIZE") }
}

extension SocketOption where Value == Bool {
    /// Queue messages only to completed connections: sends block (or fail with `dontWait`)
    /// while no peer is connected, instead of piling up for a peer that may never come.
    public static var immediate: Self { .bool(ZMQ_IMMEDIATE, "ZMQ_IMMEDIATE") }

    /// Whether the socket connects and binds over IPv6 as well as IPv4. Default false.
    public static var ipv6: Self { .bool(ZMQ_IPV6, "ZMQ_IPV6") }

    /// Act as the CURVE server: needs ``curveSecretKey``; clients need its public key.
    public static var curveServer: Self { .bool(ZMQ_CURVE_SERVER, "ZMQ_CURVE_SERVER") }
}

extension SocketOption where Value == [UInt8] {
    /// The identity a ROUTER peer sees in the first frame: 1–255 bytes, not starting with 0.
    /// Set before connecting.
    public static var routingID: Self { .bytes(ZMQ_ROUTING_ID, "ZMQ_ROUTING_ID", capacity: 255) }

    /// Our CURVE public key as 32 raw bytes (a client's own, or the server's).
    public static var curvePublicKey: Self {
        .bytes(ZMQ_CURVE_PUBLICKEY, "ZMQ_CURVE_PUBLICKEY", capacity: 32)
    }

    /// Our CURVE secret key as 32 raw bytes.
    public static var curveSecretKey: Self {
        .bytes(ZMQ_CURVE_SECRETKEY, "ZMQ_CURVE_SECRETKEY", capacity: 32)
    }

    /// For a CURVE client: the server's public key as 32 raw bytes. Setting it makes the
    /// socket a CURVE client.
    public static var curveServerKey: Self {
        .bytes(ZMQ_CURVE_SERVERKEY, "ZMQ_CURVE_SERVERKEY", capacity: 32)
    }
}

extension SocketOption where Value == String {
    /// Our CURVE public key as 40 Z85 characters.
    public static var curvePublicKey: Self {
        .string(ZMQ_CURVE_PUBLICKEY, "ZMQ_CURVE_PUBLICKEY", capacity: 41)
    }

    /// Our CURVE secret key as 40 Z85 characters.
    public static var curveSecretKey: Self {
        .string(ZMQ_CURVE_SECRETKEY, "ZMQ_CURVE_SECRETKEY", capacity: 41)
    }

    /// For a CURVE client: the server's public key as 40 Z85 characters. Setting it makes the
    /// socket a CURVE client.
    public static var curveServerKey: Self {
        .string(ZMQ_CURVE_SERVERKEY, "ZMQ_CURVE_SERVERKEY", capacity: 41)
    }

    /// The ZAP domain sent to a ZAP handler, if the application runs one.
    public static var zapDomain: Self { .string(ZMQ_ZAP_DOMAIN, "ZMQ_ZAP_DOMAIN", capacity: 256) }
}

extension WriteOnlySocketOption where Value == Bool {
    /// ROUTER: fail a send to an unknown routing id with `EHOSTUNREACH`, and block (or return
    /// `false`) when the peer's queue is full, instead of silently dropping the message.
    public static var routerMandatory: Self { .bool(ZMQ_ROUTER_MANDATORY, "ZMQ_ROUTER_MANDATORY") }

    /// DEALER/ROUTER: send an empty message to each peer as soon as connected, so a ROUTER
    /// learns the peer's routing id before the peer says anything.
    public static var probeRouter: Self { .bool(ZMQ_PROBE_ROUTER, "ZMQ_PROBE_ROUTER") }
}
