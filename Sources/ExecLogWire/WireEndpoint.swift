import Foundation

/// The endpoints emitters connect to and the writer binds (docs/PROTOCOL.md §1), and their rules,
/// written once for the library, the writer, the daemon and the CLI.
public enum WireEndpoint {
    /// Where the writer listens and emitters connect when nothing is configured.
    public static let defaultEndpoint = "ipc:///run/execlog/execlog.sock"
    /// The clients' variable naming the writer's endpoint (`execlog status`, the library, loadgen).
    public static let environmentKey = "EXECLOG_ENDPOINT"

    /// `tcp://host:port` or `ipc:///path` (`inproc://` would need the logger's private context).
    public static func isSupported(_ endpoint: String) -> Bool {
        (endpoint.hasPrefix("tcp://") || endpoint.hasPrefix("ipc://")) && endpoint.count > 6
    }

    /// The one-line reason for an endpoint ``isSupported(_:)`` refuses.
    public static func unsupportedReason(_ endpoint: String) -> String {
        "\(endpoint.debugDescription) is not an ipc:// or tcp:// endpoint"
    }

    /// A tcp endpoint: the transport CURVE applies to (ipc is guarded by file permissions instead).
    public static func isTCP(_ endpoint: String) -> Bool {
        endpoint.hasPrefix("tcp://")
    }

    /// The socket file of an ipc endpoint; nil for any other transport.
    public static func ipcPath(_ endpoint: String) -> String? {
        guard endpoint.hasPrefix("ipc://") else { return nil }
        return String(endpoint.dropFirst("ipc://".count))
    }

    /// The endpoint a client uses: its option, else ``environmentKey``, else the default.
    public static func resolve(_ option: String?, environment: [String: String]) -> String {
        if let option { return option }
        if let text = environment[environmentKey]?.trimmingCharacters(in: .whitespaces), !text.isEmpty { return text }
        return defaultEndpoint
    }
}
