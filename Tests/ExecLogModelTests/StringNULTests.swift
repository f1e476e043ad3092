import ExecLogModel
import Testing

@Suite struct StringNULTests {
    @Test(arguments: [
        ("", false), ("plain", false), ("a\u{0}b", true), ("\u{0}", true),
        (String(repeating: "é", count: 5_000) + "\u{0}", true), (String(repeating: "long text ", count: 1_000), false),
        // A substring's copy and a string made from bytes take the same path as literals.
        (String("xx\u{0}yy".dropFirst()), true), (String(decoding: [0x61, 0x00], as: UTF8.self), true),
    ])
    func aNULIsFoundWhereverItIs(_ text: String, _ expected: Bool) {
        #expect(text.containsNUL == expected)
        #expect(text.containsNUL == text.utf8.contains(0))
    }
}
