import ExecLogModel
import Foundation
import Testing

@Suite("read-only commands")
struct ReadOnlyTests {
    @Test("list, show and stats leave the store file's bytes and modification time as they were")
    func neverWrites() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder)
            let id = store.expected()[7].idString
            let ids = try store.storedIDs()
            let before = FileSnapshot(store.path)
            let cursor = try ListedPage(try CLI.succeed(["list", "--db", store.path, "--json", "--limit", "5"])).nextCursor
            let commands: [[String]] = [
                ["list"], ["list", "--csv", "--provider", "google", "--status", "ok"],
                ["list", "--json", "--after", cursor ?? "?", "--from", "20d", "--to", "1d"], ["show", id],
                ["show", "--json", String(id.prefix(20))], ["stats"], ["stats", "--json", "--usage-type", "interview", "--from", "7d"],
            ]
            for command in commands {
                _ = try CLI.succeed([command[0], "--db", store.path] + command.dropFirst())
            }
            // A read that fails changes nothing either.
            try CLI.fail(["show", "--db", store.path, "ffffffff"], messageContains: "no execution with id ffffffff")

            let after = FileSnapshot(store.path)
            #expect(after.bytes == before.bytes, "\(before) → \(after)")
            #expect(after.modified == before.modified, "\(before) → \(after)")
            // SQLite may leave its shared-memory index and an empty log beside the file; never a log with pages in it.
            let wal = store.path + "-wal"
            if let size = (try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? Int {
                #expect(size == 0, "\(wal) holds \(size) bytes")
            }
            #expect(try store.storedIDs() == ids)
        }
    }
}
