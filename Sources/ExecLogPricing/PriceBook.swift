import ExecLogModel
import Synchronization

/// The prices execlog computes costs with: a user's price file first, then the bundled table. Looks a
/// provider and model up once and keeps the answer, so that pricing an event is a dictionary lookup and
/// a few multiplications (the writer prices every event it receives).
public final class PriceBook: Sendable {
    public let table: PriceTable
    public let user: UserPrices?
    private let resolved = Mutex<[Key: Resolved?]>([:])

    struct Key: Hashable {
        var provider: String
        var model: String
    }

    /// A model's schedule and the `price_ref` of each of its periods.
    public final class Resolved: Sendable {
        public let schedule: PriceSchedule
        public let refs: [String]
        /// The model's id in the table ("claude-sonnet-4-5"), or the user's pattern.
        public let modelID: String
        public let providerID: String
        public let fromUserFile: Bool
        /// For a user's entry: the bundled table's prices for the calls before its first `from`.
        public let before: Resolved?

        init(
            schedule: PriceSchedule, refs: [String], modelID: String, providerID: String, fromUserFile: Bool,
            before: Resolved?
        ) {
            self.schedule = schedule
            self.refs = refs
            self.modelID = modelID
            self.providerID = providerID
            self.fromUserFile = fromUserFile
            self.before = before
        }
    }

    public init(table: PriceTable = .bundled, user: UserPrices? = nil) {
        self.table = table
        self.user = user
    }

    /// The bundled table alone, shared (tests, tools that insert directly).
    public static let bundled = PriceBook()

    /// The book the writer and the CLI use: the bundled table with the user's file in force
    /// (`UserPrices.load`).
    public static func load(userFile path: String?) throws(PriceFileError) -> PriceBook {
        PriceBook(user: try UserPrices.load(path: path))
    }

    /// Whether a stored cost came from a user's price file (its `price_ref` does not name the bundled
    /// table's package).
    public func isFromUserFile(_ cost: ExecutionCost) -> Bool {
        guard cost.source == .price, let ref = cost.priceRef else { return false }
        return !ref.hasPrefix(table.source.package + " ")
    }

    /// What `execution` cost, created at `createdAt` (its timestamp as stored, `yyyy-mm-ddThh:mm…` UTC).
    public func cost(of execution: Execution, createdAt: String) -> ExecutionCost {
        if let given = execution.costUSD { return .caller(given) }
        let usage = BilledUsage(execution)
        guard let model = resolve(provider: execution.provider, model: execution.modelName),
            let (prices, ref) = model.prices(at: createdAt)
        else { return .unpriced }
        guard usage.isReported else {
            // A failed call that reports no usage was not billed; a successful one was, by an unknown amount.
            return execution.isError
                ? ExecutionCost(source: .price, inputNanoUSD: 0, cachedInputNanoUSD: 0, cacheWriteNanoUSD: 0,
                                outputNanoUSD: 0, totalNanoUSD: 0, priceRef: ref)
                : .noUsage
        }
        return prices.cost(of: usage, priceRef: ref)
    }

    /// The prices for a provider and model, or nil when neither the user's file nor the table has them.
    public func resolve(provider: String, model: String) -> Resolved? {
        let key = Key(provider: provider, model: model)
        if let known = resolved.withLock({ $0[key] }) { return known }
        let answer = lookUp(provider: provider.lowercased(), model: model.lowercased())
        resolved.withLock { cache in
            // Model names come from the wire: a client that puts a request id in them must not grow
            // the cache without end (the lookups start again, a little slower, after a clear).
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = .some(answer)
        }
        return answer
    }

    static let cacheLimit = 10_000

    private func lookUp(provider: String, model: String) -> Resolved? {
        let fromTable = tableLookUp(provider: provider, model: model)
        if let user, let entry = user.entry(provider: provider, model: model) {
            let base = "\(user.fileName) \(entry.provider)/\(entry.model)"
            return Resolved(
                schedule: entry.schedule, refs: entry.schedule.periods.map { base + $0.condition.refSuffix },
                modelID: entry.model, providerID: entry.provider, fromUserFile: true, before: fromTable)
        }
        return fromTable
    }

    private func tableLookUp(provider: String, model: String) -> Resolved? {
        guard let tableProvider = table.provider(named: provider),
            let (source, tableModel) = table.model(named: model, of: tableProvider)
        else { return nil }
        let base = "\(table.source.name) \(source.id)/\(tableModel.id)"
        return Resolved(
            schedule: tableModel.schedule, refs: tableModel.schedule.periods.map { base + $0.condition.refSuffix },
            modelID: tableModel.id, providerID: source.id, fromUserFile: false, before: nil)
    }
}

extension PriceBook.Resolved {
    /// The prices in force at `timestamp` and their `price_ref`. A user's entry whose first price starts
    /// later leaves the calls before it to the bundled table (`before`); the table's own first price
    /// covers the calls before its dated ones.
    public func prices(at timestamp: String) -> (ModelPrices, String)? {
        if fromUserFile {
            guard let index = schedule.strictIndex(at: timestamp) else { return before?.prices(at: timestamp) }
            return (schedule.periods[index].prices, refs[index])
        }
        guard let index = schedule.periodIndex(at: timestamp) else { return nil }
        return (schedule.periods[index].prices, refs[index])
    }
}

extension PriceCondition {
    /// How a period is named after the model in a `price_ref`.
    var refSuffix: String {
        switch self {
        case .always: ""
        case .from(let instant): " from \(PriceCondition.shortForm(instant))"
        case .dailyUTC(let start, let end): " daily \(Self.clock(start))-\(Self.clock(end)) UTC"
        }
    }

    /// `2026-06-15` for midnight UTC, else the instant as stored.
    public static func shortForm(_ instant: String) -> String {
        instant.hasSuffix("T00:00:00.000Z") ? String(instant.prefix(10)) : instant
    }

    static func clock(_ minutes: Int) -> String {
        let hours = String(minutes / 60), rest = String(minutes % 60)
        return (hours.count < 2 ? "0" + hours : hours) + ":" + (rest.count < 2 ? "0" + rest : rest)
    }
}
