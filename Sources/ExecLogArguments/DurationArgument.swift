import ArgumentParser
import ExecLogModel

/// A duration flag of `execlogd` and `execlog-loadgen`, read by ``DurationText``: one rule
/// for every duration a person types. Declare it with `transform: DurationArgument.parse` so that a
/// bad value gets the parser's reason, not only "invalid".
public struct DurationArgument: ExpressibleByArgument, CustomStringConvertible, Sendable, Hashable {
    public var duration: Duration

    public init(_ duration: Duration) {
        self.duration = duration
    }

    public init?(argument: String) {
        guard let duration = try? DurationText.parse(argument) else { return nil }
        self.duration = duration
    }

    /// For `@Option(transform:)`.
    public static func parse(_ text: String) throws -> DurationArgument {
        do {
            return DurationArgument(try DurationText.parse(text))
        } catch {
            throw ValidationError(error.description)
        }
    }

    public var description: String { DurationText.format(duration) }

    /// The `--help` form of the default.
    public var defaultValueDescription: String { description }
}
