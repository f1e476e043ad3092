import ExecLogModel
import Foundation
import Testing

/// `JSONValue.parse` against the public JSONTestSuite (Tests/json-test-suite): every `y_` case parses,
/// every `n_` case is refused with an error, every `i_` case is decided as documented below, without a crash.
@Suite struct JSONTestSuiteTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("json-test-suite/test_parsing")

    static func cases(_ prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
    }

    static func bytes(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    @Test func theSuiteIsThere() {
        #expect(Self.cases("y_").count == 95)
        #expect(Self.cases("n_").count == 188)
        #expect(Self.cases("i_").count == 35)
    }

    @Test(arguments: cases("y_"))
    func accepts(_ name: String) throws {
        #expect(throws: Never.self) { try JSONValue.parse(try Self.bytes(name)) }
    }

    @Test(arguments: cases("n_"))
    func refuses(_ name: String) throws {
        let data = try Self.bytes(name)
        #expect(throws: (any Error).self) { try JSONValue.parse(data) }
    }

    /// The `i_` cases execlog accepts: integers past 64 bits (read as doubles), exponents that round to
    /// zero, and 500 nested arrays (the limit is 512). It refuses the rest: numbers that overflow to
    /// infinity, anything that is not valid UTF-8 or holds a lone or broken surrogate, a byte order mark,
    /// UTF-16: a stored text is always valid Unicode.
    static let acceptedImplementationDefined: Set<String> = [
        "i_number_double_huge_neg_exp.json", "i_number_real_underflow.json", "i_number_too_big_neg_int.json",
        "i_number_too_big_pos_int.json", "i_number_very_big_negative_int.json", "i_structure_500_nested_arrays.json",
    ]

    @Test(arguments: cases("i_"))
    func decidesImplementationDefinedCasesAsDocumented(_ name: String) throws {
        let accepted = (try? JSONValue.parse(try Self.bytes(name))) != nil
        #expect(accepted == Self.acceptedImplementationDefined.contains(name))
    }
}
