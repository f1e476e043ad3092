import ExecLogModel
import Foundation
import Testing

/// Ids from the wire and the store: exactly the 36-character form, nothing before or after.
@Suite struct CanonicalUUIDTests {
    static let id = "bbbbbbbb-1880-44d6-a8fb-93af1ab223bc"

    @Test func readsTheCanonicalFormInAnyCase() throws {
        let uuid = try #require(UUID(canonical: Self.id))
        #expect(uuid.uuidString.lowercased() == Self.id)
        #expect(UUID(canonical: Self.id.uppercased()) == uuid)
        #expect(UUID(canonical: "0192F0c1-3a5B-7c3d-8E4f-1a2b3c4d5e6f") != nil)
    }

    @Test(arguments: [
        "bbbbbbbb-1880-44d6-a8fb-93af1ab223bc\u{0}garbage", "bbbbbbbb-1880-44d6-a8fb-93af1ab223bc\u{0}",
        "bbbbbbbb-1880-44d6-a8fb-93af1ab223b\u{0}", "{bbbbbbbb-1880-44d6-a8fb-93af1ab223bc}",
        " bbbbbbbb-1880-44d6-a8fb-93af1ab223bc", "bbbbbbbb-1880-44d6-a8fb-93af1ab223bc ", "bbbbbbbb188044d6a8fb93af1ab223bc",
        "bbbbbbbb-1880-44d6-a8fb-93af1ab223bcd", "gbbbbbbb-1880-44d6-a8fb-93af1ab223bc", "bbbbbbbb_1880_44d6_a8fb_93af1ab223bc",
        "", "bbbbbbbb-1880-44d6-a8fb-93af1ab223é",
    ])
    func refusesEverythingElse(_ text: String) {
        #expect(UUID(canonical: text) == nil)
    }

    /// Foundation's parser stops at a NUL: two different ids would be stored as one.
    @Test(arguments: ["id", "ai_model_id"])
    func anEventWhoseIdHasANULIsRejectedWithItsReason(_ field: String) throws {
        let other = field == "id" ? "" : #","id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f""#
        let event = #"{"\#(field)":"\#(Self.id)\u0000garbage","usage_type":"u","provider":"p","model_name":"m","input_messages":[]\#(other)}"#
        #expect {
            try Execution.decodeEvent(Data(event.utf8))
        } throws: { error in
            let error = try #require(error as? ExecutionError)
            return error.field == field && error.reason.hasPrefix("not a UUID: \"\(Self.id)\\0gar")
        }
    }

    @Test func writesTheLowercaseFormFromTheBytes() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(id.canonicalString == id.uuidString.lowercased())
            #expect(UUID(canonical: id.canonicalString) == id)
        }
    }
}
