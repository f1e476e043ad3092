import ExecLogModel
import ExecLogPricing
import ExecLogStore

/// The cost part of `execlog show`: each component as tokens × price = amount, the total, and the
/// price's source; or why there is no amount.
public enum CostReport {
    public static func lines(_ record: ExecutionRecord, prices: PriceBook?, style: TerminalStyle) -> [(String, String)] {
        let execution = record.execution
        guard let cost = record.cost else {
            return [("Cost", style.dim("not priced yet: stored before costs existed (execlog reprice prices it)"))]
        }
        switch cost.source {
        case .caller:
            return [("Cost", "\(Money.usd(cost.totalNanoUSD ?? 0))  given by the caller (cost_usd)")]
        case .unpriced:
            return [("Cost", style.red("unpriced") + ": no price for \(execution.provider)/\(execution.modelName) (see execlog prices check)")]
        case .noUsage:
            return [("Cost", style.red("unknown") + ": the call reported no token counts")]
        case .price:
            break
        }
        let usage = BilledUsage(execution)
        let createdAt = Timestamp.format(execution.createdAt)
        // The rates, when the prices in force now give the stored amount (else the table or the file
        // changed since: the stored amounts stand, and reprice would update them).
        var rates: ModelPrices?
        if let prices, let resolved = prices.resolve(provider: execution.provider, model: execution.modelName),
            prices.cost(of: execution, createdAt: createdAt).sameAmounts(as: cost),
            let index = resolved.schedule.periodIndex(at: createdAt)
        {
            rates = resolved.schedule.periods[index].prices
        }
        var lines: [(String, String)] = []
        func component(_ name: String, _ tokens: Int, _ price: TieredPrice?, _ amount: Int?) {
            guard let amount, tokens > 0 || amount > 0 else { return }
            let rate = price.map { " × " + Money.perMillion($0.price(inputTokens: usage.input)) } ?? ""
            lines.append((name, "\(Formatting.count(tokens)) tokens\(rate) = \(Money.usd(amount))"))
        }
        component("Input", usage.uncachedInput, rates?.input, cost.inputNanoUSD)
        component("Cached input", usage.cachedInput, rates.flatMap { $0.cachedInput ?? $0.input }, cost.cachedInputNanoUSD)
        component("Cache writes", usage.cacheWrite, rates.flatMap { $0.cacheWrite ?? $0.input }, cost.cacheWriteNanoUSD)
        component("Output", usage.output, rates?.output, cost.outputNanoUSD)
        lines.append(("Total", style.bold(Money.usd(cost.totalNanoUSD ?? 0))))
        var source = cost.priceRef ?? "?"
        if rates == nil, prices != nil { source += style.dim("  (the prices in force now differ: execlog reprice updates it)") }
        lines.append(("Priced with", source))
        return lines
    }
}
