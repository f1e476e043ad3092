import ExecLogModel
import Testing

/// The one duration rule of every flag, variable and config file.
@Suite struct DurationTextTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)), ("45s", .seconds(45)), ("1.5s", .milliseconds(1_500)), ("90m", .seconds(5_400)),
        ("12h", .seconds(43_200)), ("30d", .seconds(2_592_000)), ("2w", .seconds(1_209_600)), ("0s", .zero),
    ])
    func aNumberAndAUnit(text: String, duration: Duration) throws {
        #expect(try DurationText.parse(text) == duration)
    }

    @Test(arguments: ["20", "", "s", "5 s", " 5s", "5S", "-1s", "1e3s", "nans", "٣s", "5x", "1.2.3s", "5ss"])
    func anythingElseIsRefusedWithItsReason(text: String) {
        let error = #expect(throws: DurationTextError.self) { try DurationText.parse(text) }
        #expect(error?.reason == .notADuration)
        #expect(error?.description.hasPrefix("invalid duration \(text.debugDescription): expected a number and a unit") == true)
    }

    @Test func pastTenThousandYearsIsTooLong() {
        let error = #expect(throws: DurationTextError.self) { try DurationText.parse("600000w") }
        #expect(error?.reason == .tooLong)
    }

    @Test(arguments: [
        (Duration.milliseconds(20), "20ms"), (.seconds(3), "3s"), (.seconds(600), "10m"), (.seconds(30 * 86_400), "30d"),
        (.seconds(14 * 86_400), "2w"), (.milliseconds(1_500), "1500ms"), (.zero, "0ms"),
    ])
    func formatWritesWhatParseReadsBack(duration: Duration, text: String) throws {
        #expect(DurationText.format(duration) == text)
        #expect(try DurationText.parse(text) == duration)
    }
}
