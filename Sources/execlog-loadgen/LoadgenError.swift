/// A failure while running, as opposed to a bad flag (`ValidationError`, which prints the usage):
/// one line, exit status 1.
enum LoadgenError: Error, CustomStringConvertible {
    /// The `--ids-out` file cannot be opened or written.
    case idsFile(path: String, reason: String)
    /// A child process of `--processes N` ended without printing its summary.
    case childWithoutSummary(index: Int, status: Int32)

    var description: String {
        switch self {
        case .idsFile(let path, let reason): "cannot write \(path): \(reason)"
        case .childWithoutSummary(let index, let status): "process \(index) exited with status \(status) without a summary"
        }
    }
}
