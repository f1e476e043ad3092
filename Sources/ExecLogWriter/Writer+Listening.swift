import ExecLogStore
import ExecLogWire
import Foundation
import Logging
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#endif

extension Writer {
    /// The ROUTER socket bound to every endpoint, and what guards its CURVE ones.
    struct Listeners {
        var socket: ZMQSocket
        /// Answers libzmq's authentication requests; nil without CURVE endpoints.
        var zapHandler: ZAPHandler?
        /// Reports failed handshakes, counted in `auth_failures`; nil without CURVE endpoints.
        var handshakeMonitor: SocketMonitor?
        /// The endpoints as bound (`tcp://…:*` resolved to its port).
        var bound: [String]
    }

    /// Binds the socket: plain endpoints first, then CURVE ones behind the ZAP handler.
    func listen(context: ZMQContext) throws(WriterError) -> Listeners {
        let socket: ZMQSocket
        let zapHandler: ZAPHandler?
        let handshakeMonitor: SocketMonitor?
        var bound: [String] = []
        do {
            // The ZAP handler is bound first: a CURVE endpoint without one would accept any client.
            if let allowList, configuration.endpoints.contains(where: configuration.usesCurve) {
                zapHandler = try ZAPHandler(context: context, allowList: allowList)
            } else {
                zapHandler = nil
            }
            socket = try ZMQSocket(context: context, type: .router)
            // Failed handshakes (no CURVE, a wrong server key, a key the ZAP handler refused) are counted from these events.
            handshakeMonitor = zapHandler == nil ? nil : try SocketMonitor(
                monitoring: socket, events: [.handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail])
            // Acks still queued at close get this long to leave.
            try socket.setOption(.linger, value: 2_000)
            try socket.setOption(.maxMessageSize, value: Int64(configuration.maxMessageBytes))
            // Heartbeats: a dead emitter's pipe (and its queued acks) is reclaimed within seconds.
            try socket.setOption(.heartbeatInterval, value: 1_000)
            try socket.setOption(.heartbeatTimeout, value: 3_000)
            let groupID = try configuration.socketGroup.map(Self.groupID)
            // libzmq copies the socket's options into each listener at bind: plain endpoints are bound
            // first, then CURVE is switched on for the rest.
            let plain = configuration.endpoints.filter { !configuration.usesCurve($0) }
            let curve = configuration.endpoints.filter(configuration.usesCurve)
            for endpoint in plain {
                try Self.prepareIPCEndpoint(endpoint, groupID: groupID)
                try socket.bind(endpoint)
                try Self.openIPCSocketToGroup(endpoint, groupID: groupID)
                bound.append(try socket.lastEndpoint)
                if WireEndpoint.isTCP(endpoint) {
                    logger.warning(
                        "tcp endpoint without CURVE (--insecure): traffic is unencrypted and anyone who reaches the port can write to the store",
                        metadata: ["endpoint": "\(bound.last ?? endpoint)"])
                }
            }
            if let secretKey = configuration.curveSecretKey, !curve.isEmpty {
                try socket.setOption(.curveServer, value: true)
                try socket.setOption(.curveSecretKey, value: secretKey)
                // A non-empty domain makes libzmq consult the ZAP handler for every connection.
                try socket.setOption(.zapDomain, value: ZAPHandler.domain)
                for endpoint in curve {
                    try socket.bind(endpoint)
                    bound.append(try socket.lastEndpoint)
                }
                logger.info(
                    "CURVE on tcp endpoints; clients allowed by key",
                    metadata: ["keys": "\(allowList?.count ?? 0)", "folder": "\(configuration.allowedClientKeysFolder ?? "")"])
            }
            return Listeners(socket: socket, zapHandler: zapHandler, handshakeMonitor: handshakeMonitor, bound: bound)
        } catch let error as WriterError {
            throw error
        } catch {
            throw WriterError(.listen, "cannot listen: \(error)")
        }
    }

    /// An ipc endpoint's folder is created when missing, usable only by the daemon's user and group
    /// (`--socket-group` when given). libzmq replaces an existing socket file without a word, so a live
    /// one is refused here: a second daemon must never silently take over the first one's socket.
    static func prepareIPCEndpoint(_ endpoint: String, groupID: gid_t?) throws {
        guard let path = WireEndpoint.ipcPath(endpoint) else { return }
        if FileManager.default.fileExists(atPath: path), UnixSocket.isListening(path) {
            throw WriterError(.inUse, "another process is listening on \(endpoint)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return }
        do {
            try PrivateFolder.create(folder, mode: ExecutionStore.folderPermissions, group: groupID)
        } catch {
            throw WriterError(.listen, error.description)
        }
    }

    /// The socket file: read-write for the daemon's user and group (connecting needs write permission),
    /// nothing for others; the folder's mode is what keeps others out when it was not created here.
    static func openIPCSocketToGroup(_ endpoint: String, groupID: gid_t?) throws {
        guard let path = WireEndpoint.ipcPath(endpoint) else { return }
        guard chmod(path, 0o660) == 0, groupID.map({ chown(path, uid_t.max, $0) == 0 }) ?? true else {
            throw WriterError(.listen, "cannot set the mode or group of \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func groupID(_ name: String) throws(WriterError) -> gid_t {
        guard let group = getgrnam(name) else { throw WriterError(.configuration, "socket-group: no group named \(name.debugDescription)") }
        return group.pointee.gr_gid
    }
}
