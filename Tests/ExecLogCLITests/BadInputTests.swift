import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import Foundation
import Testing

/// A mistake on the command line, made against a seeded store.
struct BadInput: Sendable, CustomTestStringConvertible {
    var arguments: [String]
    var message: String

    var testDescription: String { arguments.joined(separator: " ") }

    static let all: [BadInput] = [
        BadInput(arguments: ["show", "01234567-89ab-7cde-8f01-23456789abcd"], message: "no execution with id 01234567-89ab-7cde-8f01-23456789abcd"),
        BadInput(arguments: ["delete", "01234567-89ab-7cde-8f01-23456789abcd"], message: "no execution with id"),
        BadInput(arguments: ["show", "not-an-id!"], message: "not an execution id or id prefix: not-an-id!"),
        BadInput(arguments: ["delete", "zzz"], message: "not an execution id or id prefix: zzz"),
        BadInput(arguments: ["show", "aaaaaaaa"], message: "id prefix aaaaaaaa is ambiguous"),
        BadInput(arguments: ["show", "--json", "AAAAAAAA-0000"], message: "id prefix AAAAAAAA-0000 is ambiguous"),
        BadInput(arguments: ["delete", "aaaaaaaa"], message: "id prefix aaaaaaaa is ambiguous"),
        BadInput(arguments: ["list", "--from", "yesterday-ish"], message: "invalid time \"yesterday-ish\""),
        BadInput(arguments: ["stats", "--from", "yesterday-ish"], message: "invalid time \"yesterday-ish\""),
        BadInput(arguments: ["list", "--from", "2026-11-27", "--to", "2026-11-26"], message: "--from must be earlier than --to"),
        BadInput(arguments: ["prune", "--older-than", "30x", "--yes"], message: "invalid duration \"30x\""),
        BadInput(arguments: ["prune", "--older-than", "30", "--yes"], message: "invalid duration \"30\""),
        BadInput(arguments: ["list", "--limit", "-5"], message: "invalid --limit \"-5\""),
        BadInput(arguments: ["list", "--offset", "-1"], message: "invalid --offset \"-1\""),
        BadInput(arguments: ["list", "--status", "failed"], message: "invalid status \"failed\""),
        BadInput(arguments: ["stats", "--status", "broken"], message: "invalid status \"broken\""),
        BadInput(arguments: ["list", "--after", "not-a-cursor"], message: "not a list cursor: not-a-cursor"),
        // base64url of "hello": decodes, but is no (created_at, id) pair.
        BadInput(arguments: ["list", "--after", "aGVsbG8"], message: "not a list cursor: aGVsbG8"),
        BadInput(arguments: ["list", "--json", "--csv"], message: "--json and --csv cannot be used together"),
    ]
}

@Suite("bad input: one line on stderr, status 1, store unchanged")
struct BadInputTests {
    @Test("mistakes against a real store", arguments: BadInput.all)
    func mistake(_ input: BadInput) throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let ids = try store.storedIDs()
            let before = FileSnapshot(store.path)
            try CLI.fail(
                [input.arguments[0], "--db", store.path] + input.arguments.dropFirst(), messageContains: input.message)
            let after = FileSnapshot(store.path)
            // Commands that only read never touch the file. (delete and prune open the store for writing first, which
            // rewrites a few header bytes even when they then fail: their rows are what must stay.)
            if !["delete", "prune"].contains(input.arguments[0]) {
                #expect(after.bytes == before.bytes && after.modified == before.modified, "\(before) → \(after)")
            }
            #expect(try store.storedIDs() == ids)
        }
    }

    @Test(
        "a missing store file is reported, and not created",
        arguments: [["list", "--json"], ["show", "abcd"], ["stats"], ["delete", "abcd"], ["prune", "--older-than", "1d", "--yes"]])
    func missingStore(_ arguments: [String]) throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("nothing-here.db").path
            try CLI.fail(
                [arguments[0], "--db", path] + arguments.dropFirst(), messageContains: "no execlog store at \(path)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        }
    }

    static let everyCommand: [[String]] = [
        ["list", "--csv"], ["show", "abcd"], ["stats", "--json"], ["delete", "abcd"], ["prune", "--older-than", "1d", "--yes"],
    ]

    @Test("a file of random bytes is not a store, and stays as it was", arguments: everyCommand)
    func randomBytes(_ arguments: [String]) throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("random.db").path
            var generator = SplitMix64(seed: 8_192)
            let bytes = Data((0..<8_192).map { _ in UInt8.random(in: 0...255, using: &generator) })
            try bytes.write(to: URL(fileURLWithPath: path))
            let before = FileSnapshot(path)
            try CLI.fail([arguments[0], "--db", path] + arguments.dropFirst(), messageContains: "\(path) is not an execlog store")
            let after = FileSnapshot(path)
            #expect(after.bytes == bytes)
            #expect(after == before, "\(before) → \(after)")
        }
    }

    @Test("an SQLite database with other tables is not a store", arguments: everyCommand)
    func foreignSQLite(_ arguments: [String]) throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("other.sqlite").path
            try ForeignSQLite.create(
                at: path,
                sql: "CREATE TABLE people (name TEXT NOT NULL, age INTEGER); INSERT INTO people VALUES ('Ada', 36), ('Alan', 41);")
            let before = FileSnapshot(path)
            #expect(before.bytes?.starts(with: Data("SQLite format 3\0".utf8)) == true)
            try CLI.fail([arguments[0], "--db", path] + arguments.dropFirst(), messageContains: "\(path) is not an execlog store")
            let after = FileSnapshot(path)
            #expect(after.bytes == before.bytes && after.modified == before.modified, "\(before) → \(after)")
        }
    }

    @Test("failed delete and prune leave every row in place")
    func failedWriteCommandsLeaveRowsAlone() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let ids = try store.storedIDs()
            try CLI.fail(["delete", "--db", store.path, "ffffffff-ffff-7fff-8fff-ffffffffffff"], messageContains: "no execution with id")
            try CLI.fail(["prune", "--db", store.path, "--older-than", "soon", "--yes"], messageContains: "invalid duration")
            #expect(try store.storedIDs() == ids)
        }
    }

    @Test("extreme numbers are handled (a result or one line), not a crash")
    func extremes() throws {
        try withTemporaryFolder { folder in
            let store = try SeededStore.make(in: folder, count: 20)
            let ids = try store.storedIDs()
            func expectNoCrash(_ arguments: [String]) throws {
                // No backtrace: symbolicating one costs half a second, and the signal is what counts.
                let result = try CLI.run(arguments, environment: ["SWIFT_BACKTRACE": "enable=no"])
                guard result.exitedNormally else {
                    Issue.record("execlog \(arguments.joined(separator: " ")) crashed: \(result.stderr.prefix(500))")
                    return
                }
                #expect(result.status == 0 || result.status == 1, "\(result)")
                if result.status != 0 { CLI.expectOneLineError(result, messageContains: "execlog: ") }
            }
            try expectNoCrash(["list", "--db", store.path, "--limit", String(Int.max)])
            try expectNoCrash(["list", "--db", store.path, "--from", "1000000d"])
            try expectNoCrash(["prune", "--db", store.path, "--older-than", "99999999999999999999w", "--yes"])
            #expect(try store.storedIDs() == ids)
        }
    }
}
