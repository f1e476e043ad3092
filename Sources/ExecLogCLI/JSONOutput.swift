import Foundation

/// The JSON the commands print: pretty, keys sorted, slashes as they are, one newline at the end.
enum JSONOutput {
    /// `what` names the value in the error, which only a value JSON cannot hold (a NaN) can cause.
    static func text(_ value: some Encodable, what: String) throws(CLIError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        } catch {
            throw CLIError("cannot write \(what) as JSON: \(error)", kind: .unavailable)
        }
    }
}
