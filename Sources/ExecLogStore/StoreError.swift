/// Why the store refused a request, in one line fit for a terminal.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileNotFound(path: String)
    case notAnExeclogStore(path: String)
    /// The file was written by a newer execlog: its migrations are unknown here.
    case schemaTooNew(path: String)
    /// The file predates this execlog and a read-only open cannot upgrade it.
    case schemaOutdated(path: String)
    case executionNotFound(String)
    case ambiguousPrefix(String, matches: Int)
    case invalidID(String)
    case invalidCursor(String)
    /// A cursor given with an order other than time, which pages by offset.
    case cursorNeedsTimeOrder
    /// A full-text query SQLite's FTS5 refused; `reason` is its message, made readable.
    case invalidSearchQuery(String, reason: String)
    /// The store has no search index (the writer runs with `--no-search-index`).
    case noSearchIndex
    case database(String)

    public var description: String {
        switch self {
        case .fileNotFound(let path): "no execlog store at \(path)"
        case .notAnExeclogStore(let path): "\(path) is not an execlog store"
        case .schemaTooNew(let path): "\(path) was written by a newer execlog; upgrade execlog to read it"
        case .schemaOutdated(let path):
            "\(path) uses an older schema; start execlogd on it once (or run `execlog migrate`) to upgrade it"
        case .executionNotFound(let id): "no execution with id \(id)"
        case .ambiguousPrefix(let prefix, let matches):
            "id prefix \(prefix) is ambiguous: \(matches == 2 ? "at least 2" : "\(matches)") executions match; give more characters"
        case .invalidID(let text): "not an execution id or id prefix: \(text)"
        case .invalidCursor(let text): "not a list cursor: \(text)"
        case .cursorNeedsTimeOrder:
            "a cursor pages the time order only; a list sorted by another key pages by offset (skip)"
        case .invalidSearchQuery(let query, let reason): "invalid search query \(query.debugDescription): \(reason)"
        case .noSearchIndex:
            "this store has no search index: execlogd runs with --no-search-index (start it without to build one)"
        case .database(let message): "database error: \(message)"
        }
    }
}
