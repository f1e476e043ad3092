import CZeroMQ

/// Namespace for library-wide facts and helpers.
public enum ZMQ {
    /// The version of the libzmq loaded at run time (not the headers built against).
    public static var version: (major: Int, minor: Int, patch: Int) {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return (Int(major), Int(minor), Int(patch))
    }

    /// Whether libzmq was built with a capability: "ipc", "curve", "gssapi", "draft", …
    public static func has(_ capability: String) -> Bool {
        zmq_has(capability) == 1
    }
}
