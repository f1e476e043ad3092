import ExecLogModel
import ExecLogPricing
import Foundation
import Testing

/// Costs against amounts computed by hand: price per million × tokens / 1,000,000, in nanodollars.
@Suite struct CostArithmeticTests {
    static func price(_ text: String) -> TokenPrice { TokenPrice(perMillionText: text)! }

    /// A one-provider table: "acme" with a tiered model, a dated one and an off-peak one.
    static let table = PriceTable(
        source: PriceTable.Source(package: "test", version: "1"),
        providers: [
            .init(
                id: "acme", name: "Acme", match: .contains("acme"), fallback: [],
                models: [
                    .init(
                        id: "long", match: .startsWith("long"),
                        schedule: PriceSchedule([
                            .init(
                                condition: .always,
                                prices: ModelPrices(
                                    input: TieredPrice(price("3"), tiers: [.init(aboveInputTokens: 200_000, price: price("6"))]),
                                    cachedInput: TieredPrice(price("0.3"), tiers: [.init(aboveInputTokens: 200_000, price: price("0.6"))]),
                                    cacheWrite: TieredPrice(price("3.75")),
                                    output: TieredPrice(price("15"), tiers: [.init(aboveInputTokens: 200_000, price: price("22.5"))])))
                        ])),
                    .init(
                        id: "dated", match: .equals("dated"),
                        schedule: PriceSchedule([
                            .init(condition: .always, prices: ModelPrices(input: TieredPrice(price("2")), output: TieredPrice(price("8")))),
                            .init(condition: .from("2026-06-15T12:00:00.000Z"), prices: ModelPrices(input: TieredPrice(price("1")), output: TieredPrice(price("4")))),
                            .init(condition: .dailyUTC(start: 16 * 60 + 30, end: 30), prices: ModelPrices(input: TieredPrice(price("0.5")), output: TieredPrice(price("2")))),
                        ])),
                ]),
        ])

    static func execution(
        _ model: String, provider: String = "acme", input: Int? = nil, cached: Int? = nil, cacheWrite: Int? = nil,
        output: Int? = nil, reasoning: Int? = nil, failed: Bool = false, costUSD: Double? = nil
    ) -> Execution {
        Execution(
            usageType: "test", inputTokens: input, outputTokens: output, provider: provider, modelName: model,
            errorMessage: failed ? "boom" : nil, cachedInputTokens: cached, cacheCreationInputTokens: cacheWrite,
            reasoningTokens: reasoning, costUSD: costUSD)
    }

    let book = PriceBook(table: Self.table)
    let noon = "2026-07-01T12:00:00.000Z"

    @Test func cachedReadsAreBilledAtTheCachedPriceAndOnlyOnce() {
        // OpenAI's way: 10,000 prompt tokens of which 8,000 cached; 500 output.
        let cost = book.cost(of: Self.execution("long", input: 10_000, cached: 8_000, output: 500), createdAt: noon)
        #expect(cost.inputNanoUSD == 2_000 * 3_000)  // 2,000 uncached × $3/M = $0.006
        #expect(cost.cachedInputNanoUSD == 8_000 * 300)  // $0.0024
        #expect(cost.outputNanoUSD == 500 * 15_000)  // $0.0075
        #expect(cost.totalNanoUSD == 15_900_000)
        #expect(cost.source == ExecutionCost.Source.price)
        #expect(cost.priceRef == "test 1 acme/long")
    }

    @Test func anthropicCacheWritesAreBilledAtTheCacheWritePrice() {
        // Anthropic's usage {input 100, cache_read 4,000, cache_creation 1,000, output 200} is execlog's
        // input 5,100 (all prompt tokens), cached 4,000, cache writes 1,000.
        let cost = book.cost(of: Self.execution("long", input: 5_100, cached: 4_000, cacheWrite: 1_000, output: 200), createdAt: noon)
        #expect(cost.inputNanoUSD == 100 * 3_000)
        #expect(cost.cachedInputNanoUSD == 4_000 * 300)
        #expect(cost.cacheWriteNanoUSD == 1_000 * 3_750)
        #expect(cost.outputNanoUSD == 200 * 15_000)
        #expect(cost.totalNanoUSD == 8_250_000)
    }

    @Test func reasoningTokensArePartOfOutputAndNotBilledTwice() {
        let withReasoning = book.cost(of: Self.execution("long", input: 1_000, output: 3_000, reasoning: 2_500), createdAt: noon)
        let without = book.cost(of: Self.execution("long", input: 1_000, output: 3_000), createdAt: noon)
        #expect(withReasoning == without)
        #expect(withReasoning.outputNanoUSD == 3_000 * 15_000)
    }

    @Test func aTierAppliesToEveryTokenOnceThePromptPassesItsThreshold() {
        let at = book.cost(of: Self.execution("long", input: 200_000, output: 1_000), createdAt: noon)
        #expect(at.inputNanoUSD == 200_000 * 3_000 && at.outputNanoUSD == 1_000 * 15_000, "200,000 is not above 200,000")
        let above = book.cost(of: Self.execution("long", input: 200_001, cached: 100_000, output: 1_000), createdAt: noon)
        #expect(above.inputNanoUSD == 100_001 * 6_000)
        #expect(above.cachedInputNanoUSD == 100_000 * 600, "cached tokens count toward the prompt's size and take its tier")
        #expect(above.outputNanoUSD == 1_000 * 22_500)
    }

    @Test func aPriceChangeInTheMiddleOfADayAndAnOffPeakWindow() {
        let usage = Self.execution("dated", input: 1_000_000, output: 1_000_000)
        // The price changes at noon UTC on 15 June.
        #expect(book.cost(of: usage, createdAt: "2026-06-15T11:59:59.999Z").totalNanoUSD == 10_000_000_000)  // $2 + $8
        #expect(book.cost(of: usage, createdAt: "2026-06-15T12:00:00.000Z").totalNanoUSD == 5_000_000_000)  // $1 + $4
        #expect(book.cost(of: usage, createdAt: "2026-06-15T16:30:00.000Z").totalNanoUSD == 2_500_000_000, "off-peak from 16:30")
        #expect(book.cost(of: usage, createdAt: "2026-06-16T00:29:00.000Z").totalNanoUSD == 2_500_000_000, "across midnight")
        #expect(book.cost(of: usage, createdAt: "2026-06-16T00:30:00.000Z").totalNanoUSD == 5_000_000_000)
        #expect(book.cost(of: usage, createdAt: "2026-06-15T12:00:00.000Z").priceRef == "test 1 acme/dated from 2026-06-15T12:00:00.000Z")
    }

    @Test func aUsersPriceOverridesTheTableAndALocalModelCostsExactlyZero() throws {
        let user = try UserPrices.parse(
            """
            [[model]]
            provider = "acme"
            model = "long"
            input = 1.5
            output = 7.5

            [[model]]
            provider = "ollama"
            model = "*"
            input = 0
            output = 0
            """, path: "/etc/execlog/prices.toml")
        let book = PriceBook(table: Self.table, user: user)
        let discounted = book.cost(of: Self.execution("long", input: 2_000, cached: 1_000, output: 100), createdAt: noon)
        #expect(discounted.inputNanoUSD == 1_000 * 1_500 && discounted.cachedInputNanoUSD == 1_000 * 1_500, "no cached price: billed as input")
        #expect(discounted.outputNanoUSD == 100 * 7_500)
        #expect(discounted.priceRef == "prices.toml acme/long")
        let local = book.cost(of: Self.execution("llama3.1:8b", provider: "Ollama", input: 50_000, output: 9_000), createdAt: noon)
        #expect(local.source == ExecutionCost.Source.price)
        #expect(local.totalNanoUSD == 0)
    }

    @Test func aUsersDatedPriceLeavesTheCallsBeforeItToTheTable() throws {
        let user = try UserPrices.parse(
            "[[model]]\nprovider = \"acme\"\nmodel = \"long\"\nfrom = 2026-07-01\ninput = 1\noutput = 1\n", path: "p.toml")
        let book = PriceBook(table: Self.table, user: user)
        let usage = Self.execution("long", input: 100_000, output: 0)
        let before = book.cost(of: usage, createdAt: "2026-06-30T23:59:59.999Z")
        #expect(before.totalNanoUSD == 300_000_000)
        #expect(before.priceRef == "test 1 acme/long")
        let after = book.cost(of: usage, createdAt: "2026-07-01T00:00:00.000Z")
        #expect(after.totalNanoUSD == 100_000_000)
        #expect(after.priceRef == "p.toml acme/long from 2026-07-01")
    }

    @Test func tokensOfAKindTheModelHasNoPriceForMakeItUnpriced() {
        let embeddings = PriceTable(
            source: .init(package: "test", version: "1"),
            providers: [.init(id: "acme", name: "Acme", match: nil, models: [
                .init(id: "embed", match: .equals("embed"),
                      schedule: PriceSchedule([.init(condition: .always, prices: ModelPrices(input: TieredPrice(Self.price("0.1")), output: nil))])),
            ])])
        let book = PriceBook(table: embeddings)
        #expect(book.cost(of: Self.execution("embed", input: 1_000_000, output: 0), createdAt: noon).totalNanoUSD == 100_000_000)
        #expect(book.cost(of: Self.execution("embed", input: 10, output: 5), createdAt: noon).source == ExecutionCost.Source.unpriced)
    }

    @Test func anUnknownModelIsUnpricedNeverZero() {
        let cost = book.cost(of: Self.execution("mystery", input: 10, output: 10), createdAt: noon)
        #expect(cost.source == ExecutionCost.Source.unpriced)
        #expect(cost.totalNanoUSD == nil)
        #expect(!cost.isKnown)
        let elsewhere = book.cost(of: Self.execution("long", provider: "elsewhere", input: 10), createdAt: noon)
        #expect(elsewhere.source == ExecutionCost.Source.unpriced)
    }

    @Test func theCallersAmountWinsAndUsageLessCallsAreTold() {
        let given = book.cost(of: Self.execution("long", input: 1_000_000, output: 0, costUSD: 0.001234), createdAt: noon)
        #expect(given.source == ExecutionCost.Source.caller)
        #expect(given.totalNanoUSD == 1_234_000)
        #expect(given.inputNanoUSD == nil)
        #expect(book.cost(of: Self.execution("long"), createdAt: noon).source == ExecutionCost.Source.noUsage)
        let failed = book.cost(of: Self.execution("long", failed: true), createdAt: noon)
        #expect(failed.source == ExecutionCost.Source.price)
        #expect(failed.totalNanoUSD == 0, "a failed call with no usage was not billed")
    }

    @Test func pricesAreExactToTheMillionthOfADollarPerMillionTokens() {
        #expect(Self.price("0.075").picodollarsPerToken == 75_000)
        #expect(Self.price("3").picodollarsPerToken == 3_000_000)
        #expect(Self.price("0.003625").perMillionText == "0.003625")
        #expect(TokenPrice(perMillionText: "0.0000001") == nil && TokenPrice(perMillionText: "-1") == nil)
        #expect(TokenPrice(perMillionText: "1.") == nil && TokenPrice(perMillionText: "") == nil)
        #expect(TokenPrice(perMillion: 0.15)?.picodollarsPerToken == 150_000)
        #expect(TokenPrice(perMillion: -0.1) == nil && TokenPrice(perMillion: .nan) == nil)
        // Rounded half up to the nanodollar (1,000 picodollars).
        #expect(Self.price("0.1667").nanodollars(forTokens: 3) == 500)  // 500,100 pico → 500.1 nano
        #expect(Self.price("0.0005").nanodollars(forTokens: 1) == 1)  // 500 pico → 0.5 nano → 1
        #expect(Self.price("0.000499").nanodollars(forTokens: 1) == 0)  // 499 pico → 0
        // Counts from the wire may be any 64-bit integer: the amount stops at a million dollars, never traps.
        #expect(TokenPrice(picodollarsPerToken: 1).nanodollars(forTokens: .max) == ExecutionCost.maximumNanoUSD)
        #expect(Self.price("1000").nanodollars(forTokens: .max) == ExecutionCost.maximumNanoUSD)
        #expect(ExecutionCost.caller(1e300).totalNanoUSD == ExecutionCost.maximumNanoUSD)
        #expect(ExecutionCost.caller(-5).totalNanoUSD == 0, "a hand-edited negative amount")
    }
}

/// The table bundled with execlog, read as the writer reads it.
@Suite struct BundledTableTests {
    let book = PriceBook.bundled

    @Test func itLoadsWithItsSourceAndEveryMatchRuleCompiles() {
        let table = PriceTable.bundled
        #expect(table.source.package == "genai-prices" && !table.source.version.isEmpty)
        #expect(table.providers.count > 20)
        func check(_ match: NameMatch) -> Bool {
            switch match {
            case .regex(let regex): regex.compiles
            case .any(let clauses), .all(let clauses): clauses.allSatisfy(check)
            default: true
            }
        }
        for provider in table.providers {
            for model in provider.models { #expect(check(model.match), "\(provider.id)/\(model.id)") }
        }
    }

    @Test func theDemosModelsArePricedWithTheirPublishedPrices() {
        let at = "2026-12-01T12:00:00.000Z"
        let sonnet = book.cost(of: CostArithmeticTests.execution("claude-sonnet-4-5-20250929", provider: "anthropic", input: 100_000, output: 100_000), createdAt: at)
        #expect(sonnet.totalNanoUSD == 1_800_000_000)  // 0.1M × $3 + 0.1M × $15
        let longPrompt = book.cost(of: CostArithmeticTests.execution("claude-sonnet-4-5", provider: "anthropic", input: 1_000_000, output: 1_000_000), createdAt: at)
        #expect(longPrompt.totalNanoUSD == 28_500_000_000, "above 200,000 input tokens: $6 + $22.5")
        let gpt = book.cost(of: CostArithmeticTests.execution("gpt-5", provider: "openai", input: 1_000_000, cached: 1_000_000, output: 0), createdAt: at)
        #expect(gpt.totalNanoUSD == 125_000_000)  // all cached: $0.125
        // A provider named as people write it: "Vertex" is Google, Azure serves OpenAI's models.
        #expect(book.resolve(provider: "Vertex", model: "gemini-2.5-pro")?.providerID == "google")
        #expect(book.resolve(provider: "azure", model: "gpt-5")?.modelID == "gpt-5")
        #expect(book.resolve(provider: "openai", model: "no-such-model-xyz") == nil)
    }
}
