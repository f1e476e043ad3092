import Foundation
import ZeroMQ

/// Answers libzmq's ZAP requests (ZMTP's ZAP protocol, RFC 27) for the writer's CURVE endpoints:
/// a client whose public key is in the allow-list gets in, any other is refused before it can send
/// a single message.
///
/// libzmq asks the REP socket bound to `inproc://zeromq.zap.01` in the same context as the ROUTER.
/// The socket belongs to the writer's socket thread, which polls it next to the ROUTER; requests
/// wait there (the handshake waits with them) until it answers.
final class ZAPHandler {
    static let endpoint = "inproc://zeromq.zap.01"
    /// The ZAP domain the writer's CURVE endpoints announce.
    static let domain = "execlog"

    let socket: ZMQSocket
    private let allowList: ClientAllowList

    /// One answered request.
    struct Decision {
        var allowed: Bool
        /// The client's public key in Z85 (empty when the request was not a CURVE one).
        var clientKey: String
        var address: String
    }

    init(context: ZMQContext, allowList: ClientAllowList) throws {
        socket = try ZMQSocket(context: context, type: .rep)
        try socket.setOption(.linger, value: 0)
        try socket.bind(Self.endpoint)
        self.allowList = allowList
    }

    /// Answers every request queued now. Never blocks.
    @available(*, noasync, message: "Blocks the thread; call it from the writer's socket thread")
    func answerPending() throws -> [Decision] {
        var decisions: [Decision] = []
        while let request = try socket.receive(dontWait: true) {
            let (reply, decision) = answer(request)
            // REP: a reply must follow each request before the next one can be read.
            _ = try socket.send(reply)
            if let decision { decisions.append(decision) }
        }
        return decisions
    }

    /// RFC 27 request: version, request id, domain, address, identity, mechanism, credentials…
    /// Reply: version, request id, status code, status text, user id, metadata.
    private func answer(_ frames: [[UInt8]]) -> ([[UInt8]], Decision?) {
        func reply(_ requestID: [UInt8], _ code: String, _ text: String, user: String = "") -> [[UInt8]] {
            [Array("1.0".utf8), requestID, Array(code.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        guard frames.count >= 6, frames[0] == Array("1.0".utf8) else {
            return (reply(frames.count > 1 ? frames[1] : [], "500", "unsupported ZAP request"), nil)
        }
        let requestID = frames[1]
        let address = String(decoding: frames[3], as: UTF8.self)
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        guard mechanism == "CURVE", frames.count == 7, frames[6].count == 32,
            let clientKey = try? ZMQ.z85Encode(frames[6])
        else {
            return (reply(requestID, "400", "CURVE required"), Decision(allowed: false, clientKey: "", address: address))
        }
        guard let file = allowList.file(allowing: clientKey) else {
            return (reply(requestID, "400", "client key not allowed"), Decision(allowed: false, clientKey: clientKey, address: address))
        }
        // The user id is the key file's name: libzmq attaches it to the connection's messages.
        let user = String(file.dropLast(".key".count))
        return (reply(requestID, "200", "OK", user: user), Decision(allowed: true, clientKey: clientKey, address: address))
    }
}
