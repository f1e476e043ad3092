import Foundation
import TOMLKit

/// A user's own prices (docs/COST.md): negotiated discounts, fine-tuned or self-hosted models, a local
/// model at exactly $0. A TOML file of `[[model]]` entries; an entry overrides the bundled table for
/// the provider and model it names. Entries with the same provider and model but different `from`
/// times are that model's price history.
///
///     [[model]]
///     provider = "openai"          # as the executions name it; "*" for any provider
///     model = "ft:gpt-4.1:acme:*"  # a name, or a pattern where * stands for any characters
///     input = 2.4                  # USD per million tokens
///     cached_input = 0.6           # optional: else cached reads cost the input price
///     cache_write = 3.0            # optional: else cache writes cost the input price
///     output = 9.6
///     from = 2026-01-01            # optional: in force from this day (UTC) on, or "2026-06-15T12:00:00Z"
///     tiers = [{ above_input_tokens = 200000, input = 4.8, output = 14.4 }]   # optional
public struct UserPrices: Sendable {
    public struct Entry: Sendable {
        public var provider: String
        public var model: String
        var providerMatch: NameMatch
        var modelMatch: NameMatch
        public var schedule: PriceSchedule
        /// The `from` instant of each period (`created_at` form), nil for the undated one.
        public var starts: [String?]
    }

    public var path: String
    public var entries: [Entry]

    /// The file's name without its folder: how a row's `price_ref` names it ("prices.toml").
    public var fileName: String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Where the writer and the CLI look for the file: `--prices`, else this variable, else
    /// `defaultPath` when it exists.
    public static let environmentKey = "EXECLOG_PRICES"
    public static let defaultPath = "/etc/execlog/prices.toml"

    /// The price file in force: an explicit path (flag or environment) must be readable; the default
    /// one is read only when it exists. nil when there is none.
    public static func load(
        path flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PriceFileError) -> UserPrices? {
        if let path = flag ?? environment[environmentKey].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try read(path)
        }
        guard FileManager.default.fileExists(atPath: defaultPath) else { return nil }
        return try read(defaultPath)
    }

    public static func read(_ path: String) throws(PriceFileError) -> UserPrices {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PriceFileError(path: path, line: nil, message: "no such file")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PriceFileError(path: path, line: nil, message: "cannot be read (\(Self.reason(error)))")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws(PriceFileError) -> UserPrices {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw PriceFileError(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw PriceFileError(path: path, line: nil, message: "\(error)")
        }
        let lines = EntryLines(text)
        for key in table.keys where key != "model" {
            throw PriceFileError(path: path, line: lines.line(ofKey: key, inEntry: nil), message: "unknown key \"\(key)\" (entries are [[model]] tables)")
        }
        guard let models = table["model"] else { return UserPrices(path: path, entries: []) }
        guard let array = models.array else {
            throw PriceFileError(path: path, line: lines.line(ofKey: "model", inEntry: nil), message: "\"model\" must be [[model]] tables")
        }
        var groups: [Entry] = []
        for (index, value) in array.enumerated() {
            let reader = EntryReader(path: path, index: index, lines: lines)
            guard let entry = value.table else { throw reader.error(nil, "is not a table") }
            let parsed = try reader.read(entry)
            if let group = groups.firstIndex(where: { $0.provider == parsed.provider && $0.model == parsed.model }) {
                groups[group].add(parsed.period, start: parsed.start)
            } else {
                groups.append(
                    Entry(provider: parsed.provider, model: parsed.model, providerMatch: .pattern(parsed.provider),
                          modelMatch: .pattern(parsed.model), schedule: PriceSchedule([parsed.period]), starts: [parsed.start]))
            }
        }
        for group in groups {
            let undated = group.starts.filter { $0 == nil }.count
            let starts = group.starts.compactMap { $0 }
            if undated > 1 || Set(starts).count != starts.count {
                throw PriceFileError(
                    path: path, line: nil,
                    message: "\(group.provider)/\(group.model) has two prices from the same time (give each a different \"from\")")
            }
        }
        return UserPrices(path: path, entries: groups)
    }

    /// The entry for an execution's provider and model (both lower case): the first that names them.
    func entry(provider: String, model: String) -> Entry? {
        entries.first { $0.providerMatch.matches(provider) && $0.modelMatch.matches(model) }
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}

extension UserPrices.Entry {
    /// Adds a dated period, keeping the periods in time order (the undated one first).
    mutating func add(_ period: PriceSchedule.Period, start: String?) {
        var pairs = Array(zip(starts, schedule.periods))
        pairs.append((start, period))
        pairs.sort { ($0.0 ?? "") < ($1.0 ?? "") }
        starts = pairs.map(\.0)
        schedule = PriceSchedule(pairs.map(\.1))
    }
}

/// A bad price file: where and what, on one line ("prices.toml:7: model 2: input: …").
public struct PriceFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var line: Int?
    public var message: String

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
