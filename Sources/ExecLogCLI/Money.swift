import ExecLogPricing

/// Amounts of money written for people and for programs, from integer nanodollars: exact decimal text,
/// never a floating-point rounding.
public enum Money {
    /// `3615000` → `0.003615`: USD with up to nine decimals, trailing zeros dropped (CSV, JSON-ish text).
    public static func usdDecimal(_ nanodollars: Int) -> String {
        let sign = nanodollars < 0 ? "-" : ""
        let magnitude = nanodollars.magnitude
        let whole = magnitude / 1_000_000_000
        var fraction = String(magnitude % 1_000_000_000)
        guard fraction != "0" else { return sign + String(whole) }
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(whole).\(fraction)"
    }

    /// `$0.003615` for one call (six decimals: a millionth of a dollar), `$1,234.56` from a dollar up.
    public static func usd(_ nanodollars: Int) -> String {
        let sign = nanodollars < 0 ? "-" : ""
        let magnitude = nanodollars.magnitude
        if magnitude >= 1_000_000_000 {
            let cents = Self.rounded(magnitude, to: 10_000_000)
            let fraction = String(cents % 100)
            return "\(sign)$\(Formatting.count(Int(cents / 100))).\(fraction.count < 2 ? "0" + fraction : fraction)"
        }
        let micro = Self.rounded(magnitude, to: 1_000)
        let fraction = String(micro % 1_000_000)
        return "\(sign)$\(micro / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count) + fraction)"
    }

    /// A total for people: `$1,234.56` from a dollar up, `$0.9296` from a cent, `$0.003615` below.
    public static func usdTotal(_ nanodollars: Int) -> String {
        let magnitude = nanodollars.magnitude
        guard magnitude < 1_000_000_000, magnitude >= 10_000_000 else { return usd(nanodollars) }
        let tenThousandths = Self.rounded(magnitude, to: 100_000)
        guard tenThousandths < 10_000 else { return usd(nanodollars) }
        let fraction = String(tenThousandths % 10_000)
        return "\(nanodollars < 0 ? "-" : "")$0.\(String(repeating: "0", count: 4 - fraction.count) + fraction)"
    }

    /// `value / unit`, rounded half up, without an addition that could overflow.
    private static func rounded(_ value: UInt, to unit: UInt) -> UInt {
        value / unit + (value % unit >= unit / 2 ? 1 : 0)
    }

    /// A list cell: the amount, or why there is none.
    public static func cell(_ nanodollars: Int?, source: String?) -> String {
        if let nanodollars { return usd(nanodollars) }
        switch source {
        case ExecutionCost.Source.unpriced.rawValue: return "unpriced"
        case ExecutionCost.Source.noUsage.rawValue: return "no usage"
        // Stored before costs and not repriced: unknown, counted as unpriced (docs/COST.md).
        default: return "unpriced"
        }
    }

    /// `$3/M`, `$0.075/M`: a token price per million tokens.
    public static func perMillion(_ price: TokenPrice) -> String {
        "$\(price.perMillionText)/M"
    }
}
