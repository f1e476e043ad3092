/// Why the writer could not start or stopped short, in one line, with its kind for callers to branch on.
public struct WriterError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Settings that cannot work together (no endpoint, tcp without CURVE, an unknown group).
        case configuration
        /// Another process has the store or the socket: a second execlogd must not take over.
        case inUse
        /// The store file (or its lock file) cannot be created, opened or migrated.
        case store
        /// An endpoint cannot be bound, or its socket file given its mode and group.
        case listen
        /// The allowed client keys folder cannot be read.
        case allowList
        /// The system refused a resource (an eventfd).
        case system
        /// Stopped with received events not committed (not acked: their emitters resend them).
        case uncommittedAtStop
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
