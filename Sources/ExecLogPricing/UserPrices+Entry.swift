import ExecLogModel
import Foundation
import TOMLKit

/// Reads one `[[model]]` table, with errors that name the entry, the key and its line.
struct EntryReader {
    var path: String
    var index: Int
    var lines: EntryLines

    struct Parsed {
        var provider: String
        var model: String
        var period: PriceSchedule.Period
        /// The `from` instant, `created_at` form.
        var start: String?
    }

    static let keys: Set<String> = ["provider", "model", "input", "cached_input", "cache_write", "output", "from", "tiers"]
    static let tierKeys: Set<String> = ["above_input_tokens", "input", "cached_input", "cache_write", "output"]

    func error(_ key: String?, _ message: String) -> PriceFileError {
        let line = key.flatMap { lines.line(ofKey: $0, inEntry: index) } ?? lines.header(ofEntry: index)
        return PriceFileError(path: path, line: line, message: "model \(index + 1): \(key.map { "\($0): " } ?? "")\(message)")
    }

    func read(_ table: TOMLTable) throws(PriceFileError) -> Parsed {
        for key in table.keys where !Self.keys.contains(key) {
            throw error(key, "unknown key (one of \(Self.keys.sorted().joined(separator: ", ")))")
        }
        let provider = try name("provider", table)
        let model = try name("model", table)
        guard let input = try price("input", table) else { throw error(nil, "needs input (USD per million tokens)") }
        guard let output = try price("output", table) else { throw error(nil, "needs output (USD per million tokens)") }
        let cachedInput = try price("cached_input", table)
        let cacheWrite = try price("cache_write", table)
        var prices = ModelPrices(
            input: TieredPrice(input), cachedInput: cachedInput.map { TieredPrice($0) },
            cacheWrite: cacheWrite.map { TieredPrice($0) }, output: TieredPrice(output))
        if let tiers = table["tiers"] {
            guard let array = tiers.array else { throw error("tiers", "must be an array of tables") }
            for tier in array {
                guard let tier = tier.table else { throw error("tiers", "must be an array of tables") }
                try addTier(tier, to: &prices)
            }
        }
        var start: String?
        if let from = table["from"] { start = try self.start(from) }
        return Parsed(
            provider: provider, model: model,
            period: PriceSchedule.Period(condition: start.map { .from($0) } ?? .always, prices: prices), start: start)
    }

    private func addTier(_ tier: TOMLTable, to prices: inout ModelPrices) throws(PriceFileError) {
        for key in tier.keys where !Self.tierKeys.contains(key) {
            throw error("tiers", "unknown key \"\(key)\" in a tier (one of \(Self.tierKeys.sorted().joined(separator: ", ")))")
        }
        guard let above = tier["above_input_tokens"]?.int, above >= 0 else {
            throw error("tiers", "each tier needs above_input_tokens, an integer ≥ 0")
        }
        // A tier's cached or cache-write price without a base of its own starts from the input price,
        // as those tokens are billed without one.
        let inputBase = prices.input
        func add(_ key: String, _ price: inout TieredPrice?) throws(PriceFileError) {
            guard let value = try self.price(key, tier, within: "tiers"), let base = price ?? inputBase else { return }
            price = TieredPrice(base.base, tiers: base.tiers + [.init(aboveInputTokens: above, price: value)])
        }
        try add("input", &prices.input)
        try add("cached_input", &prices.cachedInput)
        try add("cache_write", &prices.cacheWrite)
        try add("output", &prices.output)
    }

    private func name(_ key: String, _ table: TOMLTable) throws(PriceFileError) -> String {
        guard let value = table[key] else { throw error(nil, "needs \(key) (a name, a pattern with *, or \"*\")") }
        guard let text = value.string, !text.isEmpty else { throw error(key, "must be a non-empty string") }
        return text.lowercased()
    }

    private func price(_ key: String, _ table: TOMLTable, within: String? = nil) throws(PriceFileError) -> TokenPrice? {
        guard let value = table[key] else { return nil }
        let number = value.double ?? value.int.map(Double.init)
        guard let number, let price = TokenPrice(perMillion: number) else {
            throw error(within ?? key, "\(within == nil ? "" : "\(key): ")must be a number ≥ 0 (USD per million tokens), got \(value.debugDescription)")
        }
        return price
    }

    /// A TOML date or a day as text (midnight UTC), or an RFC 3339 time with a zone as text.
    private func start(_ value: any TOMLValueConvertible) throws(PriceFileError) -> String {
        var text = value.string
        if let date = value.date { text = String(format: "%04d-%02d-%02d", date.year, date.month, date.day) }
        if var text {
            if text.count == 10 { text += "T00:00:00Z" }
            if let instant = Timestamp.parse(text) { return Timestamp.format(instant) }
        }
        throw error("from", "must be a day (2026-01-31, UTC) or a time with its zone (\"2026-01-31T12:00:00Z\"), got \(value.debugDescription)")
    }
}

/// Where each `[[model]]` header and key is in the text: TOMLKit gives lines for syntax errors only,
/// and an error in a value should still say where it is.
struct EntryLines {
    /// The line number of each `[[model]]` header, in order.
    private var headers: [Int] = []
    private var lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() where line.drop(while: \.isWhitespace).hasPrefix("[[model]]") {
            headers.append(number + 1)
        }
    }

    func header(ofEntry index: Int) -> Int? {
        index < headers.count ? headers[index] : nil
    }

    /// The line of `key = …` in entry `index` (or before the first entry when nil).
    func line(ofKey key: String, inEntry index: Int?) -> Int? {
        let start = index.flatMap { header(ofEntry: $0) } ?? 1
        let end = index.flatMap { $0 + 1 < headers.count ? headers[$0 + 1] : nil } ?? (lines.count + 1)
        guard start < end else { return nil }
        for number in start..<end {
            let line = lines[number - 1].drop(while: \.isWhitespace)
            if line.hasPrefix(key), line.dropFirst(key.count).drop(while: \.isWhitespace).first == "=" { return number }
        }
        return index.flatMap { header(ofEntry: $0) }
    }
}
