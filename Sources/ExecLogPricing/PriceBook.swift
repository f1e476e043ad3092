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
    public struct Resolved: Sendable {
        public var schedule: PriceSchedule
        public var refs: [String]
        /// The model's id in the table ("claude-sonnet-4-5"), or the user's pattern.
        public var modelID: String
        public var providerID: String
        public var fromUserFile: Bool
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

    /// What `execution` cost, created at `createdAt` (its timestamp as stored, `yyyy-mm-ddThh:mm…` UTC).
    public func cost(of execution: Execution, createdAt: String) -> ExecutionCost {
        if let given = execution.costUSD { return .caller(given) }
        let usage = BilledUsage(execution)
        guard let model = resolve(provider: execution.provider, model: execution.modelName) else { return .unpriced }
        guard usage.isReported else {
            // A failed call that reports no usage was not billed; a successful one was, by an unknown amount.
            return execution.isError
                ? ExecutionCost(source: .price, inputNanoUSD: 0, cachedInputNanoUSD: 0, cacheWriteNanoUSD: 0,
                                outputNanoUSD: 0, totalNanoUSD: 0, priceRef: model.refs.first)
                : .noUsage
        }
        guard let index = model.schedule.periodIndex(at: createdAt) else { return .unpriced }
        return model.schedule.periods[index].prices.cost(of: usage, priceRef: model.refs[index])
    }

    /// The prices for a provider and model, or nil when neither the user's file nor the table has them.
    public func resolve(provider: String, model: String) -> Resolved? {
        let key = Key(provider: provider, model: model)
        if let known = resolved.withLock({ $0[key] }) { return known }
        let answer = lookUp(provider: provider.lowercased(), model: model.lowercased())
        resolved.withLock { $0[key] = .some(answer) }
        return answer
    }

    private func lookUp(provider: String, model: String) -> Resolved? {
        if let user, let entry = user.entry(provider: provider, model: model) {
            let fileName = user.path.split(separator: "/").last.map(String.init) ?? user.path
            let base = "\(fileName) \(entry.provider)/\(entry.model)"
            return Resolved(
                schedule: entry.schedule, refs: entry.schedule.periods.map { base + $0.condition.refSuffix },
                modelID: entry.model, providerID: entry.provider, fromUserFile: true)
        }
        guard let tableProvider = table.provider(named: provider),
            let tableModel = table.model(named: model, of: tableProvider)
        else { return nil }
        let base = "\(table.source.name) \(tableProvider.id)/\(tableModel.id)"
        return Resolved(
            schedule: tableModel.schedule, refs: tableModel.schedule.periods.map { base + $0.condition.refSuffix },
            modelID: tableModel.id, providerID: tableProvider.id, fromUserFile: false)
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
