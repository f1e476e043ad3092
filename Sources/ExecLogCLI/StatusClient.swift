import ExecLogWire
import Foundation
import ZeroMQ

/// Asks a running writer for its counters.
public enum StatusClient {
    /// Sends `status` and waits up to `timeout` for the reply. Blocks the calling thread.
    @available(*, noasync, message: "blocks on ZeroMQ")
    /// `curve`: the keys for a CURVE tcp endpoint (ignored for ipc, whose endpoints are plain).
    public static func fetch(endpoint: String, timeout: TimeInterval, curve: CurveClientKeys? = nil) throws(CLIError) -> WriterStatus {
        let context = ZMQContext()
        do {
            let socket = try ZMQSocket(context: context, type: .dealer)
            defer { socket.close() }
            try socket.setOption(.linger, value: 0)
            if let curve, WireEndpoint.isTCP(endpoint) {
                try socket.setOption(.curveServerKey, value: curve.serverPublicKey)
                try socket.setOption(.curvePublicKey, value: curve.publicKey)
                try socket.setOption(.curveSecretKey, value: curve.secretKey)
            }
            try socket.connect(endpoint)
            _ = try socket.send(WireMessage.status(body: []).frames)
            var items = [PollItem(socket)]
            guard try Poller.poll(&items, timeoutMilliseconds: Int(timeout * 1000)) > 0,
                let frames = try socket.receive(dontWait: true)
            else {
                let hint = WireEndpoint.isTCP(endpoint)
                    ? (curve == nil
                        ? " (a CURVE endpoint needs --curve-server-key-file and --curve-secret-key-file)"
                        : " (or it refused our CURVE keys: check the server key and the writer's allow-list)")
                    : ""
                throw CLIError("no answer from a writer at \(endpoint) within \(Formatting.milliseconds(Int(timeout * 1000)))\(hint)", kind: .unavailable)
            }
            guard case .status(let body) = try WireMessage(frames: frames), let status = WriterStatus(json: body) else {
                throw CLIError("unexpected reply from \(endpoint)", kind: .unavailable)
            }
            return status
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("cannot reach \(endpoint): \(error)", kind: .unavailable)
        }
    }
}
