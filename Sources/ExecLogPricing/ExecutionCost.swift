import ExecLogModel

/// What one execution cost, in nanodollars (10⁻⁹ USD, integers, so that sums are exact), by
/// component, and where the amount comes from. Stored with the row (docs/STORE.md) and summed in the
/// rollups.
public struct ExecutionCost: Sendable, Hashable {
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// Computed from a price table: the bundled one or the user's price file (`priceRef` says which).
        case price
        /// Given by the caller (`cost_usd`): kept as given; it wins over a computed amount.
        case caller
        /// No price for this provider and model: the cost is unknown, never $0.
        case unpriced
        /// A call that succeeded but reported no token counts: the cost is unknown.
        case noUsage = "no_usage"
    }

    public var source: Source
    public var inputNanoUSD: Int?
    public var cachedInputNanoUSD: Int?
    public var cacheWriteNanoUSD: Int?
    public var outputNanoUSD: Int?
    /// The amount: the components' sum, or the caller's; nil when the cost is unknown.
    public var totalNanoUSD: Int?
    /// The price used: "genai-prices 0.2.5 openai/gpt-5" (+ " from 2026-03-13" for a dated price), or
    /// "prices.toml openai/gpt-5" for a user's entry.
    public var priceRef: String?

    public init(
        source: Source, inputNanoUSD: Int? = nil, cachedInputNanoUSD: Int? = nil, cacheWriteNanoUSD: Int? = nil,
        outputNanoUSD: Int? = nil, totalNanoUSD: Int? = nil, priceRef: String? = nil
    ) {
        self.source = source
        self.inputNanoUSD = inputNanoUSD
        self.cachedInputNanoUSD = cachedInputNanoUSD
        self.cacheWriteNanoUSD = cacheWriteNanoUSD
        self.outputNanoUSD = outputNanoUSD
        self.totalNanoUSD = totalNanoUSD
        self.priceRef = priceRef
    }

    /// The most one execution's cost or one component of it may be: $1,000,000 (the caller's
    /// `cost_usd` is bounded so on the wire). Past any real call, and it keeps sums of millions of
    /// executions inside a 64-bit integer.
    public static let maximumNanoUSD = 1_000_000 * 1_000_000_000

    public static let unpriced = ExecutionCost(source: .unpriced)
    public static let noUsage = ExecutionCost(source: .noUsage)

    public var isKnown: Bool { totalNanoUSD != nil }

    /// The same source and amounts, whatever the price's name (a price file may be renamed).
    public func sameAmounts(as other: ExecutionCost) -> Bool {
        var renamed = other
        renamed.priceRef = priceRef
        return self == renamed
    }

    /// The caller's own amount, in USD as sent (`cost_usd`), to the nanodollar.
    public static func caller(_ usd: Double) -> ExecutionCost {
        // Bounded and never negative, whatever a hand-edited row holds (the wire checks 0…1,000,000).
        let nanodollars = (usd * 1e9).rounded()
        let total = nanodollars.isNaN || nanodollars <= 0 ? 0 : Int(min(nanodollars, Double(maximumNanoUSD)))
        return ExecutionCost(source: .caller, totalNanoUSD: total)
    }
}

extension ExecutionCost {
    /// The `cost` object of `execlog show --json` and the API's detail (docs/COST.md).
    public var jsonValue: JSONValue {
        func amount(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        return .object([
            "source": .string(source.rawValue),
            "total_nano_usd": amount(totalNanoUSD),
            "total_usd": totalNanoUSD.map { .double(Double($0) / 1e9) } ?? .null,
            "input_nano_usd": amount(inputNanoUSD),
            "cached_input_nano_usd": amount(cachedInputNanoUSD),
            "cache_write_nano_usd": amount(cacheWriteNanoUSD),
            "output_nano_usd": amount(outputNanoUSD),
            "price_ref": priceRef.map(JSONValue.string) ?? .null,
        ])
    }
}

/// An execution's token counts as execlog means them (docs/PROTOCOL.md, "Usage"): `input` is every
/// prompt token, the cached reads and the cache writes among them; `output` every generated token,
/// the reasoning tokens among them. The tokens billed at the plain input price are what remains of
/// `input` after the cached reads and the cache writes.
public struct BilledUsage: Sendable, Hashable {
    public var input: Int
    public var cachedInput: Int
    public var cacheWrite: Int
    public var output: Int
    /// False when the execution carries no token count at all.
    public var isReported: Bool

    public init(_ execution: Execution) {
        cachedInput = execution.cachedInputTokens ?? 0
        cacheWrite = execution.cacheCreationInputTokens ?? 0
        input = execution.inputTokens ?? cachedInput.saturatingAdd(cacheWrite)
        output = execution.outputTokens ?? 0
        isReported = execution.inputTokens != nil || execution.outputTokens != nil
            || execution.cachedInputTokens != nil || execution.cacheCreationInputTokens != nil
    }

    /// Prompt tokens billed at the plain input price; never negative (a caller that sends more cached
    /// tokens than input tokens gets its cached tokens billed, not a negative amount).
    public var uncachedInput: Int { max(0, input - cachedInput.saturatingAdd(cacheWrite)) }
}

extension ModelPrices {
    /// The cost of `usage` at these prices: each kind of token at its own price, the tier chosen by
    /// the prompt's size; cached reads and cache writes at the input price when the model has no
    /// price of their own. Tokens of a kind the model has no price for make the call unpriced.
    public func cost(of usage: BilledUsage, priceRef: String) -> ExecutionCost {
        let prompt = usage.input
        func amount(_ price: TieredPrice?, _ tokens: Int) -> Int? {
            guard let price else { return tokens == 0 ? 0 : nil }
            return price.price(inputTokens: prompt).nanodollars(forTokens: tokens)
        }
        guard let inputAmount = amount(input, usage.uncachedInput),
            let cachedAmount = amount(cachedInput ?? input, usage.cachedInput),
            let writeAmount = amount(cacheWrite ?? input, usage.cacheWrite),
            let outputAmount = amount(output, usage.output)
        else { return .unpriced }
        return ExecutionCost(
            source: .price, inputNanoUSD: inputAmount, cachedInputNanoUSD: cachedAmount,
            cacheWriteNanoUSD: writeAmount, outputNanoUSD: outputAmount,
            totalNanoUSD: min(inputAmount + cachedAmount + writeAmount + outputAmount, ExecutionCost.maximumNanoUSD),
            priceRef: priceRef)
    }
}
