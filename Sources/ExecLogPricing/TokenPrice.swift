/// A price per token, held as whole picodollars (10⁻¹² USD) per token, which is the same number as
/// microdollars per million tokens: "$0.075 per million" is 75,000. Prices are published per million
/// tokens with at most six decimals, so every published price is exact here, and a cost is an integer
/// product with no floating point on the way.
public struct TokenPrice: Sendable, Hashable, Comparable {
    public var picodollarsPerToken: Int

    public init(picodollarsPerToken: Int) {
        self.picodollarsPerToken = picodollarsPerToken
    }

    /// "3", "0.075", "1.250000": USD per million tokens as decimal text, at most six decimals, ≥ 0.
    public init?(perMillionText text: some StringProtocol) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit), whole.count <= 9 else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else { return nil }
        fraction += String(repeating: "0", count: 6 - fraction.count)
        guard let dollars = Int(whole), let micro = Int(fraction) else { return nil }
        picodollarsPerToken = dollars * 1_000_000 + micro
    }

    /// A price given as a number (a user's price file): rounded to the sixth decimal of a dollar per
    /// million tokens; nil when negative, not finite or absurd (over $1,000,000 per million tokens).
    public init?(perMillion value: Double) {
        guard value.isFinite, value >= 0, value <= 1_000_000 else { return nil }
        picodollarsPerToken = Int((value * 1_000_000).rounded())
    }

    /// USD per million tokens, as decimal text without trailing zeros ("0.075", "3").
    public var perMillionText: String {
        let dollars = picodollarsPerToken / 1_000_000
        var micro = String(picodollarsPerToken % 1_000_000)
        guard micro != "0" else { return String(dollars) }
        micro = String(repeating: "0", count: 6 - micro.count) + micro
        while micro.hasSuffix("0") { micro.removeLast() }
        return "\(dollars).\(micro)"
    }

    /// What `tokens` cost at this price, in nanodollars (10⁻⁹ USD), rounded half up, at most
    /// `ExecutionCost.maximumNanoUSD`: token counts on the wire may be any 64-bit integer, and an absurd
    /// one must neither trap nor make every sum overflow.
    public func nanodollars(forTokens tokens: Int) -> Int {
        let (product, overflow) = max(tokens, 0).multipliedReportingOverflow(by: picodollarsPerToken)
        if overflow { return ExecutionCost.maximumNanoUSD }
        let rounded = product / 1_000 + (product % 1_000 >= 500 ? 1 : 0)
        return min(rounded, ExecutionCost.maximumNanoUSD)
    }

    public static func < (lhs: TokenPrice, rhs: TokenPrice) -> Bool {
        lhs.picodollarsPerToken < rhs.picodollarsPerToken
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
