import ExecLogModel
import Foundation
import Testing

@Suite struct UUIDv7Tests {
    @Test func hasVersion7AndTheRFCVariant() {
        let id = UUID.v7()
        let text = id.uuidString.lowercased()
        #expect(Array(text)[14] == "7")
        #expect("89ab".contains(Array(text)[19]))
    }

    @Test func carriesItsCreationTime() throws {
        let date = Date(timeIntervalSince1970: 1_790_000_000.5)
        let id = UUID.v7(at: date)
        #expect(try #require(id.v7Date).timeIntervalSince1970 == 1_790_000_000.5)
        #expect(UUID().v7Date == nil)
    }

    @Test func isStrictlyIncreasingWithinOneMillisecond() {
        let ids = (0..<10_000).map { _ in UUID.v7().uuidString.lowercased() }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func sortsByTime() {
        let early = UUID.v7(at: Date(timeIntervalSince1970: 1_700_000_000))
        let late = UUID.v7(at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(early.uuidString.lowercased() < late.uuidString.lowercased())
    }
}
