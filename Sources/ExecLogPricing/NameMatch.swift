import Foundation

/// A rule that says whether a provider or model name is the one a price is for: the match logic of
/// the genai-prices data (equals, starts with, ends with, contains, a regular expression, any of, all
/// of), and the `*` patterns of a user's price file. Names are compared in lower case.
public indirect enum NameMatch: Sendable {
    case equals(String)
    case startsWith(String)
    case endsWith(String)
    case contains(String)
    case regex(CompiledRegex)
    case any([NameMatch])
    case all([NameMatch])

    /// `name` must already be lower case (the price book lowers it once per lookup).
    public func matches(_ name: String) -> Bool {
        switch self {
        case .equals(let text): name == text
        case .startsWith(let text): name.hasPrefix(text)
        case .endsWith(let text): name.hasSuffix(text)
        case .contains(let text): name.contains(text)
        case .regex(let regex): regex.matches(name)
        case .any(let clauses): clauses.contains { $0.matches(name) }
        case .all(let clauses): clauses.allSatisfy { $0.matches(name) }
        }
    }

    /// A user's pattern: a name, `*` for any name, or a name with `*` standing for any characters
    /// (`gpt-4.1-ft-*`, `*:latest`).
    public static func pattern(_ pattern: String) -> NameMatch {
        let pattern = pattern.lowercased()
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard pieces.count > 1 else { return .equals(pattern) }
        return .regex(CompiledRegex(glob: pieces))
    }
}

/// A compiled regular expression, searched anywhere in a name (Python's `re.search`, as genai-prices
/// uses it). One that does not compile matches nothing (the bundled table's test checks that all do).
public struct CompiledRegex: @unchecked Sendable {
    // Regex values are immutable and safe to use from several threads; the type is not marked Sendable
    // because its output type is dynamic.
    private let regex: Regex<AnyRegexOutput>?
    private let globPieces: [String]?
    public let source: String

    public init(_ source: String) {
        self.source = source
        regex = try? Regex(source)
        globPieces = nil
    }

    /// `pieces` are the text between the `*`s: the first is a prefix, the last a suffix, the others
    /// must follow in order between them.
    init(glob pieces: [String]) {
        source = pieces.joined(separator: "*")
        regex = nil
        globPieces = pieces
    }

    public var compiles: Bool { regex != nil || globPieces != nil }

    func matches(_ name: String) -> Bool {
        if let globPieces { return Self.globMatches(name, pieces: globPieces) }
        guard let regex else { return false }
        return (try? regex.firstMatch(in: name)) != nil
    }

    private static func globMatches(_ name: String, pieces: [String]) -> Bool {
        guard let first = pieces.first, let last = pieces.last, name.hasPrefix(first) else { return false }
        var rest = name.dropFirst(first.count)
        for middle in pieces.dropFirst().dropLast() where !middle.isEmpty {
            guard let range = rest.range(of: middle) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}
