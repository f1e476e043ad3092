import ExecLogModel
import Foundation
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_790_000_000.123)
        #expect(Timestamp.format(date) == "2026-09-21T14:13:20.123Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }

    @Test func parsesZonesAndFractions() throws {
        let utc = try #require(Timestamp.parse("2026-11-27T10:55:45Z"))
        #expect(try #require(Timestamp.parse("2026-11-27T12:55:45+02:00")) == utc)
        #expect(try #require(Timestamp.parse("2026-11-27T05:55:45-05:00")) == utc)
        let fraction = try #require(Timestamp.parse("2026-11-27T10:55:45.250Z"))
        #expect(fraction.timeIntervalSince(utc) == 0.25)
        #expect(Timestamp.parse("2026-11-27 10:55:45Z") == utc)
    }

    @Test(arguments: [
        "", "2026-11-27", "2026-11-27T10:55:45", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
        "2026-11-27T25:00:00Z", "2026-11-27T10:55:45.Z", "27/11/2026", "2026-11-27T10:55:45+0200", "yesterday",
    ])
    func rejectsWhatIsNotRFC3339WithAZone(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func lenientParsingAcceptsBareDatesAsUTCMidnight() throws {
        let midnight = try #require(Timestamp.parseLenient("2026-11-27"))
        #expect(Timestamp.format(midnight) == "2026-11-27T00:00:00.000Z")
        #expect(Timestamp.parseLenient("2026-11-27T10:00") == midnight.addingTimeInterval(36_000))
    }

    @Test func formatThenParseRoundTrips() throws {
        for milliseconds in stride(from: 0, to: 2_000_000_000_000, by: 97_531_246_801) {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let parsed = try #require(Timestamp.parse(Timestamp.format(date)))
            #expect(abs(parsed.timeIntervalSince(date)) < 0.000_5)
        }
    }

    /// The hand-written calendar arithmetic against the C library's `gmtime_r`, across the whole range
    /// (before 1970 too, leap years and centuries), and clamped at both bounds.
    @Test func formatAgreesWithGmtimeAcrossTheRange() {
        func reference(_ milliseconds: Int64) -> String {
            var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
            let fraction = milliseconds - Int64(seconds) * 1000
            var parts = tm()
            gmtime_r(&seconds, &parts)
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(fraction))
        }
        let low = Int64(Timestamp.range.lowerBound.timeIntervalSince1970 * 1000)
        let high = Int64(Timestamp.range.upperBound.timeIntervalSince1970 * 1000)
        var generator = SystemRandomNumberGenerator()
        let samples = (0..<20_000).map { _ in Int64.random(in: low...high, using: &generator) }
            + [low, high, 0, -1, 951_782_400_000, 4_107_542_400_000, -2_203_891_200_001]
        for milliseconds in samples {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            // Doubles: the reference reads the same milliseconds the formatter will.
            let rounded = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            #expect(Timestamp.format(date) == reference(rounded), "\(milliseconds)")
        }
        #expect(Timestamp.format(.distantPast) == "0001-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1e12)) == "9999-12-31T23:59:59.999Z")
    }
}
