/// A price that may depend on the size of the prompt: above `aboveInputTokens` input tokens, the
/// tier's price applies to every token of the call, not only to those past the threshold (how
/// Anthropic, Google and OpenAI bill long context). Tiers are sorted by threshold.
public struct TieredPrice: Sendable, Hashable {
    public struct Tier: Sendable, Hashable {
        public var aboveInputTokens: Int
        public var price: TokenPrice

        public init(aboveInputTokens: Int, price: TokenPrice) {
            self.aboveInputTokens = aboveInputTokens
            self.price = price
        }
    }

    public var base: TokenPrice
    public var tiers: [Tier]

    public init(_ base: TokenPrice, tiers: [Tier] = []) {
        self.base = base
        self.tiers = tiers.sorted { $0.aboveInputTokens < $1.aboveInputTokens }
    }

    /// The price for a call whose prompt has `inputTokens` tokens (cached and cache writes included).
    public func price(inputTokens: Int) -> TokenPrice {
        tiers.last { inputTokens > $0.aboveInputTokens }?.price ?? base
    }
}

/// The four prices of a model for one period, per token of each kind of usage (docs/COST.md). A nil
/// cached-input or cache-write price means the provider bills those tokens as ordinary input; a nil
/// input or output price means the data has none (an embedding model has no output price): a call that
/// used such tokens is unpriced, never billed $0 for them.
public struct ModelPrices: Sendable, Hashable {
    public var input: TieredPrice?
    public var cachedInput: TieredPrice?
    public var cacheWrite: TieredPrice?
    public var output: TieredPrice?

    public init(input: TieredPrice?, cachedInput: TieredPrice? = nil, cacheWrite: TieredPrice? = nil, output: TieredPrice?) {
        self.input = input
        self.cachedInput = cachedInput
        self.cacheWrite = cacheWrite
        self.output = output
    }
}

/// When a model's prices apply: from an instant on (a price change), or every day between two times of
/// day (off-peak prices), in UTC.
public enum PriceCondition: Sendable, Hashable {
    case always
    /// From this instant on, in the store's `created_at` form (`2026-06-15T00:00:00.000Z`): fixed width
    /// and UTC, so it compares as text with a call's timestamp.
    case from(String)
    /// Every day from `start` to `end` minutes after midnight UTC; `end < start` spans midnight.
    case dailyUTC(start: Int, end: Int)

    func holds(timestamp: String, minuteOfDay: Int) -> Bool {
        switch self {
        case .always: true
        case .from(let first): timestamp >= first
        case .dailyUTC(let start, let end):
            end < start ? (minuteOfDay >= start || minuteOfDay < end) : (start <= minuteOfDay && minuteOfDay < end)
        }
    }
}

/// A model's prices over time: the last period whose condition holds at a call's time is the one in
/// force (so a later price change overrides the first, and an off-peak window overrides both).
public struct PriceSchedule: Sendable, Hashable {
    public struct Period: Sendable, Hashable {
        public var condition: PriceCondition
        public var prices: ModelPrices

        public init(condition: PriceCondition, prices: ModelPrices) {
            self.condition = condition
            self.prices = prices
        }
    }

    public var periods: [Period]

    public init(_ periods: [Period]) {
        self.periods = periods
    }

    /// The index of the period in force at a UTC timestamp `yyyy-mm-ddThh:mm…`; the first period if
    /// none holds (a call made before the table's first dated price).
    public func periodIndex(at timestamp: String) -> Int? {
        strictIndex(at: timestamp) ?? (periods.isEmpty ? nil : 0)
    }

    /// The index of the period in force at `timestamp`, nil when none holds (a user's price that starts
    /// later: the bundled table prices what came before).
    public func strictIndex(at timestamp: String) -> Int? {
        // Most models have one undated price: no need to read the time (the writer prices every event).
        if periods.count == 1, periods[0].condition == .always { return 0 }
        var minuteOfDay = 0
        var digits = (0, 0, 0, 0)
        for (offset, byte) in timestamp.utf8.enumerated() {
            let digit = Int(byte) - 48
            switch offset {
            case 11: digits.0 = digit
            case 12: digits.1 = digit
            case 14: digits.2 = digit
            case 15: digits.3 = digit
            default: break
            }
            if offset == 15 {
                minuteOfDay = (digits.0 * 10 + digits.1) * 60 + digits.2 * 10 + digits.3
                break
            }
        }
        return periods.lastIndex { $0.condition.holds(timestamp: timestamp, minuteOfDay: minuteOfDay) }
    }
}
