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
}
