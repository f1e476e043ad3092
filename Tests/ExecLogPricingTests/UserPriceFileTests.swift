import ExecLogModel
import ExecLogPricing
import ExecLogTestSupport
import Foundation
import Testing

/// A user's price file: what it accepts, and one line naming the line and the field for what it does not.
@Suite struct UserPriceFileTests {
    func error(_ text: String) -> String? {
        do {
            _ = try UserPrices.parse(text, path: "prices.toml")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aPriceHistoryAndTiersAreRead() throws {
        let prices = try UserPrices.parse(
            """
            # Our negotiated prices.
            [[model]]
            provider = "openai"
            model = "gpt-4.1"
            input = 2
            output = 8

            [[model]]
            provider = "openai"
            model = "gpt-4.1"
            from = 2026-03-01
            input = 1.6
            cached_input = 0.4
            output = 6.4
            tiers = [{ above_input_tokens = 128000, input = 3.2, output = 12.8 }]
            """, path: "prices.toml")
        #expect(prices.entries.count == 1)
        let entry = try #require(prices.entries.first)
        #expect(entry.starts == [nil, "2026-03-01T00:00:00.000Z"])
        let march = entry.schedule.periods[1].prices
        #expect(march.input?.price(inputTokens: 128_001).perMillionText == "3.2")
        #expect(march.input?.price(inputTokens: 128_000).perMillionText == "1.6")
        #expect(march.cachedInput?.base.perMillionText == "0.4")
    }

    @Test func aPriceMayChangeAtAnyTimeOfDayGivenWithItsZone() throws {
        let prices = try UserPrices.parse(
            """
            [[model]]
            provider = "acme"
            model = "m"
            input = 1
            output = 1

            [[model]]
            provider = "acme"
            model = "m"
            from = "2026-06-15T14:00:00+02:00"
            input = 2
            output = 2
            """, path: "prices.toml")
        let book = PriceBook(table: PriceTable(source: .init(package: "none", version: "0"), providers: []), user: prices)
        let execution = Execution(usageType: "t", inputTokens: 1_000_000, outputTokens: 0, provider: "acme", modelName: "m")
        #expect(book.cost(of: execution, createdAt: "2026-06-15T11:59:59.999Z").totalNanoUSD == 1_000_000_000)
        let after = book.cost(of: execution, createdAt: "2026-06-15T12:00:00.000Z")
        #expect(after.totalNanoUSD == 2_000_000_000)
        #expect(after.priceRef == "prices.toml acme/m from 2026-06-15T12:00:00.000Z")
    }

    @Test func badFilesAreOneLineNamingTheLineAndTheField() {
        #expect(error("[[model]]\nprovider = \"a\"\nmodel = \"b\"\ninput = -1\noutput = 1\n")
            == "prices.toml:4: model 1: input: must be a number ≥ 0 (USD per million tokens), got -1")
        #expect(error("[[model]]\nprovider = \"a\"\nmodel = \"b\"\ninput = 1\n")?.hasPrefix("prices.toml:1: model 1: needs output") == true)
        #expect(error("[[model]]\nprovider = \"a\"\nmodel = \"b\"\ninput = 1\noutput = 2\ncolour = 3\n")?.hasPrefix("prices.toml:6: model 1: colour: unknown key") == true)
        #expect(error("[[model]]\nprovider = \"a\"\nmodel = \"b\"\ninput = 1\noutput = 2\nfrom = \"March\"\n")?.hasPrefix("prices.toml:6: model 1: from: must be a day (2026-01-31, UTC) or a time") == true)
        #expect(error("[[model]]\nprovider = \"a\"\ninput = [\n")?.hasPrefix("prices.toml:3:") == true, "a syntax error names its line")
        #expect(error("[[model]]\nprovider = \"a\"\nmodel = \"b\"\ninput = 1\noutput = 2\n[[model]]\nprovider = \"a\"\nmodel = \"b\"\ninput = 1\noutput = 3\n")?.contains("two prices from the same time") == true)
        #expect(error("price = 3\n") == "prices.toml:1: unknown key \"price\" (entries are [[model]] tables)")
        for description in [error("[[model]]\nprovider = \"a\"\nmodel = \"b\"\ninput = -1\noutput = 1\n")] {
            #expect(description?.contains("\n") == false)
        }
    }

    @Test func theFileIsFoundByFlagThenEnvironmentAndAMissingOneIsAnError() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("p.toml")
        try "[[model]]\nprovider = \"x\"\nmodel = \"y\"\ninput = 1\noutput = 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try UserPrices.load(path: nil, environment: [UserPrices.environmentKey: path])?.entries.count == 1)
        #expect(try UserPrices.load(path: path, environment: [UserPrices.environmentKey: "/nonexistent"])?.path == path)
        #expect(throws: PriceFileError.self) { try UserPrices.load(path: folder.path("missing.toml"), environment: [:]) }
        do {
            _ = try UserPrices.load(path: folder.path("missing.toml"), environment: [:])
        } catch {
            #expect(error.description == "\(folder.path("missing.toml")): no such file")
        }
    }
}
