import ExecLogModel
import ExecLogPricing
import Foundation

/// `execlog prices`: the prices in force now, per provider and model, from the user's file and the
/// bundled table.
public enum PriceListing {
    public struct Row: Sendable, Equatable, Encodable {
        public var provider: String
        public var model: String
        /// USD per million tokens, as decimal text; nil when the model has no price of its own for it.
        public var input: String?
        public var cachedInput: String?
        public var cacheWrite: String?
        public var output: String?
        /// True when a price changes above a prompt size.
        public var tiered: Bool
        /// The day the price took effect, when the data gives one.
        public var since: String?
        public var source: String

        enum CodingKeys: String, CodingKey {
            case provider, model, input, output, tiered, since, source
            case cachedInput = "cached_input"
            case cacheWrite = "cache_write"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(provider, forKey: .provider)
            try container.encode(model, forKey: .model)
            try container.encode(input, forKey: .input)
            try container.encode(cachedInput, forKey: .cachedInput)
            try container.encode(cacheWrite, forKey: .cacheWrite)
            try container.encode(output, forKey: .output)
            try container.encode(tiered, forKey: .tiered)
            try container.encode(since, forKey: .since)
            try container.encode(source, forKey: .source)
        }
    }

    /// The rows for `provider` (an id or a name the provider answers to) and `model` (a name its rule
    /// matches, or part of its id), at `now`.
    public static func rows(_ book: PriceBook, provider: String?, model: String?, now: Date = Date()) -> [Row] {
        let timestamp = Timestamp.format(now)
        let providerName = provider?.lowercased()
        let modelName = model?.lowercased()
        var rows: [Row] = []
        func row(provider: String, model: String, schedule: PriceSchedule, source: String) -> Row? {
            guard let index = schedule.periodIndex(at: timestamp) else { return nil }
            let period = schedule.periods[index]
            let prices = period.prices
            let since: String? = if case .from(let instant) = period.condition { PriceCondition.shortForm(instant) } else { nil }
            return Row(
                provider: provider, model: model, input: prices.input?.base.perMillionText,
                cachedInput: prices.cachedInput?.base.perMillionText, cacheWrite: prices.cacheWrite?.base.perMillionText,
                output: prices.output?.base.perMillionText,
                tiered: [prices.input, prices.output].contains { $0.map { !$0.tiers.isEmpty } ?? false }, since: since,
                source: source)
        }
        // With both names, first the price a call would get (through a fallback provider, say: Azure's
        // OpenAI models are in OpenAI's table).
        if let provider, let model, let resolved = book.resolve(provider: provider, model: model),
            let priced = row(
                provider: resolved.providerID, model: resolved.modelID, schedule: resolved.schedule,
                source: resolved.fromUserFile ? book.user?.fileName ?? "prices" : book.table.source.name)
        {
            rows.append(priced)
        }
        for entry in book.user?.entries ?? [] {
            if let providerName, entry.provider != "*", !NameMatch.pattern(entry.provider).matches(providerName) { continue }
            if let modelName, !NameMatch.pattern(entry.model).matches(modelName), !entry.model.contains(modelName) { continue }
            let fileName = book.user?.fileName ?? "prices"
            if let row = row(provider: entry.provider, model: entry.model, schedule: entry.schedule, source: fileName),
                !rows.contains(row)
            {
                rows.append(row)
            }
        }
        for tableProvider in book.table.providers {
            if let providerName, tableProvider.id != providerName, tableProvider.match?.matches(providerName) != true { continue }
            for tableModel in tableProvider.models {
                if let modelName, !tableModel.match.matches(modelName), !tableModel.id.contains(modelName) { continue }
                if let row = row(
                    provider: tableProvider.id, model: tableModel.id, schedule: tableModel.schedule,
                    source: book.table.source.name)
                    , !rows.contains(row)
                {
                    rows.append(row)
                }
            }
        }
        return rows
    }

    /// `source`: the bundled table's, named under the rows (its version and dates).
    public static func table(_ rows: [Row], source: PriceTable.Source, style: TerminalStyle) -> String {
        guard !rows.isEmpty else { return "No prices match.\n" }
        let header = ["Provider", "Model", "Input", "Cached", "Cache write", "Output", "Since", "Source"]
        let cells = rows.map { row in
            [
                row.provider, row.model, row.input.map { "$" + $0 } ?? "none", row.cachedInput.map { "$" + $0 } ?? "–",
                row.cacheWrite.map { "$" + $0 } ?? "–", (row.output.map { "$" + $0 } ?? "none") + (row.tiered ? " +tiers" : ""),
                row.since ?? "", row.source,
            ]
        }
        var output = TextTable(header: header, rows: cells, rightAligned: [2, 3, 4, 5]).render(style: style)
            .joined(separator: "\n") + "\n"
        output += style.dim("USD per million tokens. Cached and cache write: – is billed as input; none: calls with such tokens are unpriced.") + "\n"
        let dates = [source.released.map { "released \($0)" }, source.retrieved.map { "retrieved \($0)" }].compactMap { $0 }
        output += style.dim("Bundled prices: \(source.name)\(dates.isEmpty ? "" : " (\(dates.joined(separator: ", ")))"), \(source.url) (\(source.license) licence).") + "\n"
        return output
    }

    public static func json(_ rows: [Row]) throws(CLIError) -> String {
        try JSONOutput.text(rows, what: "the prices")
    }
}
