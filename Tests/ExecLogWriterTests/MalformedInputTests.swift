import ExecLogModel
import ExecLogSimulation
import ExecLogStore
import ExecLogTestSupport
import ExecLogWire
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Bad input against the real daemon (docs/PROTOCOL.md sections 2, 3, 6, 7): a hand-written corpus of bad
/// messages and bad events, a frame above the size limit, and a seeded fuzzer. The daemon never crashes,
/// answers every message it reads, keeps every rejected event as a dead letter with its reason, and stores
/// the good events sent beside the bad ones.
@Suite(.timeLimit(.minutes(5)))
struct MalformedInputTests {
    // MARK: - Whole messages

    /// A message the writer cannot read: it must answer `error` (this batch id, a text containing this).
    struct BadMessage {
        var name: String
        var frames: [[UInt8]]
        var batchID: String?
        /// Part of the error text; nil where the wording is not part of the contract.
        var error: String?
    }

    static func badMessages() -> [BadMessage] {
        let tag = utf8("execlog/1")
        let batch = utf8("batch")
        let good = EventJSON().bytes
        let badID = "frame 2 must be a batch id of 1 to 64 printable ASCII bytes"
        let frame0 = #"frame 0 must be "execlog/1""#
        let writerOnly = "a writer accepts only batch, report and status"
        // A ZeroMQ message has at least one frame, so "no frame at all" cannot reach the writer (the
        // client library refuses to send it, checked below); one empty frame is the nearest thing.
        return [
            BadMessage(name: "one empty frame", frames: [[]], error: frame0),
            BadMessage(name: "only the tag", frames: [tag], error: frame0),
            BadMessage(name: "only a verb", frames: [batch], error: frame0),
            BadMessage(name: "version 2 tag", frames: [utf8("execlog/2"), batch, utf8("x"), good], error: frame0),
            BadMessage(name: "upper-case tag", frames: [utf8("EXECLOG/1"), batch, utf8("x"), good], error: frame0),
            BadMessage(name: "tag with a trailing NUL", frames: [tag + [0], batch, utf8("x"), good], error: frame0),
            BadMessage(name: "empty tag", frames: [[], batch, utf8("x"), good], error: frame0),
            BadMessage(name: "REQ-style empty delimiter", frames: [[], tag, batch, utf8("x"), good], error: frame0),
            BadMessage(name: "empty verb", frames: [tag, []], error: #"unknown verb """#),
            BadMessage(name: "upper-case verb", frames: [tag, utf8("BATCH"), utf8("v1"), good], batchID: "v1",
                       error: #"unknown verb "BATCH""#),
            BadMessage(name: "unknown verb with a batch id", frames: [tag, utf8("hello"), utf8("v2")], batchID: "v2",
                       error: #"unknown verb "hello""#),
            BadMessage(name: "unknown verb, bad frame 2", frames: [tag, utf8("hello"), utf8("has space")],
                       error: #"unknown verb "hello""#),
            BadMessage(name: "verb of invalid UTF-8", frames: [tag, [0x62, 0xFF, 0x80], utf8("v3")], batchID: "v3",
                       error: "unknown verb"),
            BadMessage(name: "a 1 KB verb", frames: [tag, Array(repeating: 0x61, count: 1_000)], error: "unknown verb"),
            BadMessage(name: "batch without an id", frames: [tag, batch], error: badID),
            BadMessage(name: "empty batch id", frames: [tag, batch, [], good], error: badID),
            BadMessage(name: "65-byte batch id", frames: [tag, batch, utf8(String(repeating: "b", count: 65)), good],
                       error: badID),
            BadMessage(name: "batch id with a space", frames: [tag, batch, utf8("has space"), good], error: badID),
            BadMessage(name: "batch id with a tab", frames: [tag, batch, utf8("a\tb"), good], error: badID),
            BadMessage(name: "batch id with DEL", frames: [tag, batch, [0x61, 0x7F], good], error: badID),
            BadMessage(name: "non-ASCII batch id", frames: [tag, batch, utf8("bätch"), good], error: badID),
            BadMessage(name: "batch id of invalid UTF-8", frames: [tag, batch, [0xFF, 0xFE], good], error: badID),
            BadMessage(name: "batch without events", frames: [tag, batch, utf8("no-events")], batchID: "no-events",
                       error: "a batch needs at least one event"),
            BadMessage(name: "10,001 events", frames: [tag, batch, utf8("too-many")] + Array(repeating: good, count: 10_001),
                       batchID: "too-many", error: "10001 events in one batch, more than 10000"),
            BadMessage(name: "a well-formed ack sent to the writer",
                       frames: [tag, utf8("ack"), utf8("a1"), Ack(stored: 1, duplicates: 0).json], error: writerOnly),
            // The text differs from PROTOCOL.md §7 for an ack the wire layer cannot read ("malformed ack"):
            // any error will do here.
            BadMessage(name: "an ack with a bad body", frames: [tag, utf8("ack"), utf8("a2"), utf8("{}")], batchID: "a2"),
            BadMessage(name: "an ack with no frames after the verb", frames: [tag, utf8("ack")]),
            BadMessage(name: "an error sent to the writer",
                       frames: WireMessage.error(batchID: nil, message: "boom").frames, error: writerOnly),
            BadMessage(name: "an error with no body", frames: [tag, utf8("error")], error: writerOnly),
        ]
    }

    @Test func everyBadMessageIsAnsweredWithAnErrorAndStoresNothing() throws {
        let started = Date()
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        #expect(throws: (any Error).self, "a message of zero frames cannot be sent") { try client.send([]) }

        let cases = Self.badMessages()
        for message in cases {
            try client.send(message.frames)
            guard let reply = try client.receive(timeout: 10) else {
                Issue.record("\(message.name): no reply")
                continue
            }
            guard case .error(let batchID, let text) = reply else {
                Issue.record("\(message.name): expected an error, got \(reply)")
                continue
            }
            #expect(batchID == message.batchID, "\(message.name)")
            #expect(!text.isEmpty, "\(message.name)")
            if let expected = message.error { #expect(text.contains(expected), "\(message.name): \(text)") }
        }
        var status = try #require(try client.status())
        #expect(status.malformed == cases.count)
        #expect(status.received == 0 && status.stored == 0 && status.rejected == 0 && status.batches == 0)
        #expect(try Self.rowCounts(daemon.storePath) == (executions: 0, deadLetters: 0))

        // The limits' own edges are valid: a 64-byte batch id, exactly 10,000 events.
        let edgeID = String(repeating: "~", count: 64)
        let events = (0..<10_000).map { _ in EventJSON().bytes }
        let ack = try #require(try client.sendBatch(edgeID, events, timeout: 30))
        #expect(ack == Ack(stored: 10_000, duplicates: 0))
        status = try #require(try client.status())
        #expect(status.malformed == cases.count && status.stored == 10_000)
        #expect(daemon.process.isRunning)
        print("malformed messages: \(cases.count) answered with error, nothing stored; then 10,000 events "
            + "under a 64-byte batch id stored; \(Self.seconds(since: started)) s")
    }

    // MARK: - Bad events beside good ones

    /// An event the writer must reject, with a reason containing `reason` (nil: any reason; the wording
    /// is not part of the contract where it names no field).
    struct BadEvent {
        var name: String
        var bytes: [UInt8]
        var reason: String?
    }

    static func badEvents() -> [BadEvent] {
        var cases: [BadEvent] = []
        func bad(_ name: String, _ bytes: [UInt8], _ reason: String?) { cases.append(BadEvent(name: name, bytes: bytes, reason: reason)) }
        func bad(_ name: String, _ event: EventJSON, _ reason: String?) { bad(name, event.bytes, reason) }
        let invalid = "invalid JSON"
        let good = EventJSON().bytes

        // JSON syntax.
        bad("empty frame", [], invalid)
        bad("only spaces", utf8("   "), invalid)
        bad("truncated", Array(good.dropLast(7)), invalid)
        bad("cut after the first key", utf8(#"{"id":"#), invalid)
        bad("trailing garbage", good + utf8("xyz"), invalid)
        bad("trailing comma", Array(good.dropLast()) + utf8(",}"), invalid)
        bad("two objects", good + EventJSON().bytes, invalid)
        bad("NaN", EventJSON().raw("input_tokens", "NaN"), invalid)
        bad("Infinity", EventJSON().raw("temperature", "Infinity"), invalid)
        bad("-Infinity", EventJSON().raw("temperature", "-Infinity"), invalid)
        bad("single quotes", EventJSON().bytes.map { $0 == UInt8(ascii: "\"") ? UInt8(ascii: "'") : $0 }, invalid)
        bad("block comment", utf8("/* c */") + EventJSON().bytes, invalid)
        bad("line comment", utf8("// c\n") + EventJSON().bytes, invalid)
        bad("unquoted key", utf8(#"{usage_type:"x"}"#), invalid)
        bad("unterminated string", utf8(#"{"id":"abc"#), invalid)
        bad("bad escape", EventJSON().raw("usage_type", #""\x41""#), invalid)
        bad("raw newline in a string", EventJSON().raw("usage_type", "\"a\nb\""), invalid)
        // Python's json.dumps writes a lone surrogate as such: the reason names the field and the character.
        bad("lone surrogate escape", EventJSON().raw("usage_type", #""\ud800""#), "usage_type: \\ud800 is a lone UTF-16 surrogate")
        bad("lone low surrogate in a message", EventJSON().raw("input_messages", #"[{"role":"user","content":"a\udc00"}]"#),
            "input_messages.[0].content: \\udc00 is a lone UTF-16 surrogate")
        let tooDeep = "nested deeper than 512 levels"
        bad("10,000 [", Array(repeating: UInt8(ascii: "["), count: 10_000), tooDeep)
        bad("10,000 nested arrays", utf8(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)), tooDeep)
        bad("input_messages 5,000 deep", EventJSON().raw("input_messages",
            String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)), "input_messages.[0].[0]…")
        bad("execution_metadata 5,000 objects deep", EventJSON().raw("execution_metadata",
            String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000)), "execution_metadata.a.a…")

        // Not an object.
        for text in ["[]", #""text""#, "42", "true", #"[{"id":"x"}]"#] {
            bad("top level \(text)", utf8(text), "an event must be a JSON object")
        }
        bad("top level null", utf8("null"), "an event must be a JSON object")

        // Wrong types.
        for (field, value, expected) in [
            ("id", "42", "a string"), ("id", "{}", "a string"), ("usage_type", "7", "a string"),
            ("provider", "true", "a string"), ("model_name", "[]", "a string"), ("created_at", "1700000000", "a string"),
            ("ai_model_id", "5", "a string"), ("system_prompt", "1", "a string"), ("response_content", "{}", "a string"),
            ("error_message", "false", "a string"), ("finish_reason", "1", "a string"), ("trace_id", "1", "a string"),
            ("session_id", "[]", "a string"), ("user_id", "{}", "a string"),
            ("input_messages", #""hello""#, "an array"), ("input_messages", "{}", "an array"), ("input_messages", "3", "an array"),
            ("input_tokens", #""12""#, "an integer"), ("output_tokens", "true", "an integer"), ("total_tokens", "[]", "an integer"),
            ("cached_input_tokens", "{}", "an integer"), ("max_tokens", #""x""#, "an integer"),
            ("execution_time_ms", #""fast""#, "an integer"), ("time_to_first_token_ms", "[1]", "an integer"),
            ("temperature", #""hot""#, "a number"), ("temperature", "true", "a number"),
            ("execution_metadata", "[]", "an object"), ("execution_metadata", #""x""#, "an object"),
            ("execution_metadata", "7", "an object"), ("tags", #""a""#, "an array"),
        ] {
            bad("\(field) = \(value)", EventJSON().raw(field, value), "\(field): expected \(expected)")
        }
        bad("a number in tags", EventJSON().raw("tags", "[1]"), "tags.[0]: expected a string")
        bad("null in tags", EventJSON().raw("tags", #"["ok",null]"#), "tags.[1]: must not be null")

        // Required fields missing, or null.
        bad("{}", utf8("{}"), "id: required field is missing")
        for field in EventJSON.required {
            bad("\(field) missing", EventJSON().removing(field), "\(field): required field is missing")
            // input_messages says "expected an array" rather than "must not be null": either names the field.
            bad("\(field) null", EventJSON().raw(field, "null"), field == "input_messages" ? "\(field): expected an array" : "\(field): must not be null")
        }

        // Lengths (in Unicode scalars).
        for (field, limit) in [
            ("usage_type", 50), ("provider", 50), ("model_name", 100), ("finish_reason", 50),
            ("trace_id", 200), ("session_id", 200), ("user_id", 200),
        ] {
            bad("\(field) of \(limit + 1) characters", EventJSON().string(field, String(repeating: "x", count: limit + 1)),
                "\(field): \(limit + 1) characters, more than \(limit)")
        }
        bad("usage_type of 51 emoji", EventJSON().string("usage_type", String(repeating: "🚀", count: 51)),
            "usage_type: 51 characters, more than 50")
        for field in ["usage_type", "provider", "model_name"] {
            bad("empty \(field)", EventJSON().string(field, ""), "\(field): must not be empty")
        }
        bad("65 tags", EventJSON().raw("tags", "[" + (0..<65).map { "\"t\($0)\"" }.joined(separator: ",") + "]"),
            "tags: at most 64 tags")
        bad("a tag of 101 characters", EventJSON().raw("tags", "[\"\(String(repeating: "t", count: 101))\"]"),
            "tags.[0]: 101 characters, more than 100")
        bad("an empty tag", EventJSON().raw("tags", #"["ok",""]"#), "tags.[1]: must not be empty")

        // Numbers out of range.
        for field in EventJSON.integers {
            bad("negative \(field)", EventJSON().raw(field, "-1"), "\(field): must not be negative")
        }
        bad("negative temperature", EventJSON().raw("temperature", "-0.5"), "temperature: must be a finite number")
        bad("input_tokens 12.5", EventJSON().raw("input_tokens", "12.5"), nil)
        bad("execution_time_ms 0.5", EventJSON().raw("execution_time_ms", "0.5"), nil)
        bad("input_tokens 2^63", EventJSON().raw("input_tokens", "9223372036854775808"), nil)
        bad("output_tokens -2^63-1", EventJSON().raw("output_tokens", "-9223372036854775809"), nil)
        bad("total_tokens 1e30", EventJSON().raw("total_tokens", "1e30"), nil)
        bad("max_tokens of 40 digits", EventJSON().raw("max_tokens", String(repeating: "9", count: 40)), nil)
        bad("temperature 1e400", EventJSON().raw("temperature", "1e400"), "temperature: the number 1e400 is too large")

        // Ids.
        let uuid = UUID().uuidString.lowercased()
        for text in [
            "12345", "{\(uuid)}", "urn:uuid:\(uuid)", String(uuid.dropLast()), uuid + "0",
            uuid.replacingOccurrences(of: "-", with: ""), "g" + uuid.dropFirst(), "", " \(uuid)",
        ] {
            bad("id \(text.debugDescription)", EventJSON().string("id", text), "id: not a UUID")
        }
        bad("ai_model_id not a UUID", EventJSON().string("ai_model_id", "model-7"), "ai_model_id: not a UUID")

        // Times.
        for text in [
            "yesterday", "", "2026-11-27", "2026-11-27T10:55:45", "2026-11-27T10:55Z", "2026-11-27T10:55:60Z",
            "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-27T25:00:00Z", "2026-11-27T10:55:45+2:00",
            "1700000000",
        ] {
            bad("created_at \(text.debugDescription)", EventJSON().string("created_at", text),
                "created_at: not an RFC 3339 time with a zone")
        }

        // NUL in the short fields.
        for field in ["usage_type", "provider", "model_name", "finish_reason", "trace_id", "session_id", "user_id"] {
            bad("NUL in \(field)", EventJSON().raw(field, #""a\u0000b""#), "\(field): must not contain a NUL character")
        }
        bad("NUL in a tag", EventJSON().raw("tags", #"["a\u0000b"]"#), "tags.[0]: must not contain a NUL character")

        // Invalid UTF-8 (raw bytes inside JSON strings, and between tokens).
        for (name, field, invalidBytes) in [
            ("a lone continuation byte", "usage_type", [0x80] as [UInt8]), ("an overlong '/'", "provider", [0xC0, 0xAF]),
            ("a UTF-8-encoded surrogate half", "model_name", [0xED, 0xA0, 0x80]), ("0xFF", "system_prompt", [0xFF]),
            ("a code point above U+10FFFF", "response_content", [0xF4, 0x90, 0x80, 0x80]),
            ("a cut 3-byte sequence", "error_message", [0xE2, 0x82]),
        ] {
            bad("\(name) in \(field)", EventJSON().rawBytes(field, utf8("\"ok") + invalidBytes + utf8("\"")),
                "\(field): a string is not valid UTF-8")
        }
        bad("0xFF in input_messages", EventJSON().rawBytes("input_messages", utf8("[\"") + [0xFF] + utf8("\"]")),
            "input_messages.[0]: a string is not valid UTF-8")
        bad("0xFF in an unknown field", EventJSON().rawBytes("future_field", utf8("\"") + [0xFF] + utf8("\"")),
            "future_field: a string is not valid UTF-8")
        bad("0xFE between tokens", Array(good.dropLast()) + [0x20, 0xFE, UInt8(ascii: "}")], invalid)

        // Huge and bad: kept as a dead letter too, its payload cut at 64 KiB.
        bad("5 MB of invalid JSON", Array(EventJSON().string("system_prompt", String(repeating: "p", count: 5_000_000)).bytes.dropLast()),
            invalid)
        return cases
    }

    /// Edge cases that are valid and must be stored: the rejections above must not reach them.
    static func acceptedEdgeEvents() -> [(name: String, bytes: [UInt8])] {
        [
            ("a 5 MB system prompt", EventJSON().string("system_prompt", String(repeating: "p", count: 5_000_000)).bytes),
            ("usage_type of 50 characters", EventJSON().string("usage_type", String(repeating: "u", count: 50)).bytes),
            ("usage_type of 50 emoji", EventJSON().string("usage_type", String(repeating: "🚀", count: 50)).bytes),
            ("model_name of 100 characters", EventJSON().string("model_name", String(repeating: "m", count: 100)).bytes),
            ("trace_id of 200 characters", EventJSON().string("trace_id", String(repeating: "t", count: 200)).bytes),
            ("64 tags of 100 characters", EventJSON().raw("tags",
                "[" + (0..<64).map { "\"\(String(repeating: "t", count: 98))\(String(format: "%02d", $0))\"" }
                    .joined(separator: ",") + "]").bytes),
            ("input_tokens 12.0", EventJSON().raw("input_tokens", "12.0").bytes),
            ("input_tokens 1e3", EventJSON().raw("input_tokens", "1e3").bytes),
            ("input_tokens Int64.max", EventJSON().raw("input_tokens", "9223372036854775807").bytes),
            ("unknown keys of every type", EventJSON().raw("future_field", #"{"a":[1,2.5,null,true,"x"]}"#).raw("z", "null").bytes),
            ("null optional fields", EventJSON().raw("system_prompt", "null").raw("input_tokens", "null").raw("tags", "null").raw("created_at", "null")
                .raw("execution_metadata", "null").raw("ai_model_id", "null").raw("error_message", "null").bytes),
            ("NUL in the long text fields", EventJSON().raw("system_prompt", #""a\u0000b""#)
                .raw("response_content", #""\u0000""#).raw("error_message", #""e\u0000""#).bytes),
            ("NUL inside input_messages", EventJSON().raw("input_messages", #"[{"content":"a\u0000b","k\u0000":1}]"#).bytes),
            ("an upper-case id", EventJSON(id: UUID().uuidString.uppercased()).bytes),
            ("created_at with lower-case t and z", EventJSON().string("created_at", "2026-11-27t10:55:45.123z").bytes),
            ("created_at with a space and an offset", EventJSON().string("created_at", "2026-11-27 12:55:45.123456789+02:00").bytes),
            ("created_at year 1", EventJSON().string("created_at", "0001-01-01T00:00:00Z").bytes),
            ("created_at year 9999", EventJSON().string("created_at", "9999-12-31T23:59:59.999Z").bytes),
            ("an empty error_message", EventJSON().string("error_message", "").bytes),
            ("input_messages 100 deep", EventJSON().raw("input_messages",
                String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).bytes),
        ]
    }

    @Test func badEventsAreDeadLetteredWithAReasonAndTheGoodOnesBesideThemStored() throws {
        let started = Date()
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)

        let bad = Self.badEvents()
        let edges = Self.acceptedEdgeEvents()
        var generator = ExecutionGenerator(seed: 7)
        // Good and bad alternate: good, bad, good, bad, … (the edge cases first among the good).
        var frames: [[UInt8]] = []
        var badIndexes: [Int] = []
        var goodIDs: [String] = []
        for (number, event) in bad.enumerated() {
            let good = number < edges.count ? edges[number].bytes : generator.next().eventBytes
            goodIDs.append(try #require(try JSONValue.parse(good)["id"]?.stringValue).lowercased())
            frames.append(good)
            badIndexes.append(frames.count)
            frames.append(event.bytes)
        }
        #expect(bad.count >= edges.count)

        let ack = try #require(try client.sendBatch("mixed", frames, timeout: 60))
        #expect(ack.stored == goodIDs.count, "\(edges.count) edge cases among the good events")
        #expect(ack.duplicates == 0)
        #expect(ack.rejected.map(\.index) == badIndexes)
        for (rejection, event) in zip(ack.rejected, bad) {
            #expect(!rejection.error.isEmpty, "\(event.name)")
            if let expected = event.reason {
                #expect(rejection.error.contains(expected), "\(event.name): \(rejection.error)")
            }
        }
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: daemon.storePath, configuration: configuration)
        let (letters, storedIDs, promptLength, nulPrompt) = try database.read { db in
            (try Row.fetchAll(db, sql: "SELECT reason, event_id, payload_size, payload FROM dead_letters ORDER BY id"),
             Set(try String.fetchAll(db, sql: "SELECT id FROM ai_executions")),
             try Int.fetchOne(db, sql: "SELECT max(length(system_prompt)) FROM ai_executions_full"),
             try String.fetchOne(db, sql: "SELECT system_prompt FROM ai_executions WHERE system_prompt LIKE 'a%b' AND length(system_prompt) = 3"))
        }
        #expect(Bool(storedIDs == Set(goodIDs)), "every good event stored, nothing else")
        #expect(promptLength == 5_000_000)
        #expect(nulPrompt == "a\u{FFFD}b", "NUL in system_prompt is stored as U+FFFD")
        #expect(letters.count == bad.count)
        for (index, (letter, event)) in zip(letters, bad).enumerated() {
            let reason: String = letter["reason"]
            let payload = (letter["payload"] as Data?) ?? Data()
            let payloadSize: Int = letter["payload_size"]
            #expect(reason == ack.rejected[index].error, "\(event.name)")
            #expect(!reason.isEmpty, "\(event.name)")
            #expect((letter["event_id"] as String?) == ack.rejected[index].id, "\(event.name)")
            #expect(payloadSize == event.bytes.count, "\(event.name)")
            #expect(Bool(payload == Data(event.bytes.prefix(DeadLetter.payloadLimit))), "\(event.name): payload kept")
        }

        let status = try #require(try client.status())
        #expect(status.received == frames.count && status.stored == goodIDs.count && status.rejected == bad.count)
        #expect(status.malformed == 0)
        // Still serving.
        #expect(try client.sendBatch("after", [EventJSON().bytes])?.stored == 1)
        #expect(daemon.process.isRunning)
        print("bad events: \(bad.count) rejected and dead-lettered, \(goodIDs.count) good stored beside them "
            + "(\(edges.count) valid edge cases), \(frames.count) events in one batch; \(Self.seconds(since: started)) s")
    }

    // MARK: - Deep nesting

    /// Found by the fuzzer: decoding a free-form field through Decodable cost time cubic in its nesting
    /// depth (about a second per event nested 500 deep), all on the socket thread, so a batch of such
    /// events stalled every ack and status for minutes. Now they cost what flat events cost.
    @Test func deeplyNestedEventsDoNotStallTheWriter() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let arrays = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let objects = String(repeating: #"{"a":"#, count: 500) + "1" + String(repeating: "}", count: 500)
        let events = (0..<100).map { number in
            EventJSON().raw("input_messages", number.isMultiple(of: 2) ? arrays : "[\(objects)]").bytes
        }
        let started = Date()
        let ack = try #require(try client.sendBatch("deep", events, timeout: 60))
        let elapsed = Date().timeIntervalSince(started)
        #expect(ack == Ack(stored: 100, duplicates: 0))
        #expect(elapsed < 10, "100 events nested 500 deep took \(elapsed) s")
        print("deep nesting: 100 events nested 500 deep acked in \(String(format: "%.2f", elapsed)) s")
    }

    // MARK: - A frame above the limit

    @Test func aFrameAboveTheLimitDropsOnlyItsSendersConnection() throws {
        let started = Date()
        let folder = try TemporaryFolder()
        let limit = 65_536
        let daemon = try Daemon(folder: folder, extraArguments: ["--max-message-bytes", String(limit)])
        try daemon.waitUntilReady()
        let sender = try RawClient(endpoint: daemon.ipcEndpoint)
        let other = try RawClient(endpoint: daemon.ipcEndpoint)
        #expect(try other.sendBatch("before", [EventJSON().bytes])?.stored == 1)

        let big = EventJSON().string("system_prompt", String(repeating: "p", count: limit)).bytes
        #expect(big.count > limit)
        try sender.send(WireMessage.batch(id: "too-big", events: [big]).frames)
        // No reply: libzmq drops the connection (PROTOCOL.md §6).
        #expect(try sender.receive(timeout: 2) == nil)
        try #require(
            daemon.process.isRunning,
            "execlogd exited (\(daemon.process.waitForExit(timeout: 1).map { "status \($0)" } ?? "?")): \(daemon.log)")

        // The other connection is served on.
        #expect(try other.status() != nil)
        #expect(try other.sendBatch("after", [EventJSON().bytes])?.stored == 1)
        // A frame exactly at the limit is read.
        let padding = limit - EventJSON().string("system_prompt", "").bytes.count  // every EventJSON id has 36 bytes
        let exact = EventJSON().string("system_prompt", String(repeating: "q", count: padding)).bytes
        #expect(exact.count == limit)
        #expect(try other.sendBatch("exact", [exact])?.stored == 1)

        // The dropped sender's DEALER reconnects by itself; a resend (same batch id, as §5 says) gets through.
        let event = EventJSON().bytes
        var resent: Ack?
        for _ in 0..<10 where resent == nil {
            try sender.send(WireMessage.batch(id: "retry", events: [event]).frames)
            if case .ack(_, let ack)? = try sender.receive(timeout: 1) { resent = ack }
        }
        #expect(resent != nil && (resent!.stored + resent!.duplicates) == 1)

        let status = try #require(try other.status())
        #expect(status.malformed == 0 && status.rejected == 0)
        #expect(try Self.rowCounts(daemon.storePath) == (executions: 4, deadLetters: 0))
        print("frame above --max-message-bytes \(limit): no reply, sender reconnected and resent, "
            + "other client served; \(Self.seconds(since: started)) s")
    }

    // MARK: - Byte limits of events and fields

    @Test func anEventOrAFieldAboveItsLimitIsDeadLetteredWithItsReason() throws {
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder, extraArguments: [
            "--max-message-bytes", String(1 << 20), "--max-event-bytes", String(256 << 10),
            "--max-field-bytes", String(64 << 10), "--max-batch-events", "6",
        ])
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        let overField = String(repeating: "r", count: (64 << 10) + 1)
        let bigMessages = "[{\"role\":\"user\",\"content\":\"\(overField)\"}]"
        // The id behind a nested "id", so that the scan for the id of an event too large to parse is tested.
        let hugeID = UUID.v7().uuidString.lowercased()
        let huge = EventJSON().removing("id").raw("execution_metadata", #"{"id":"not-this-one"}"#)
            .string("id", hugeID).string("system_prompt", String(repeating: "p", count: 300 << 10))
        let events: [(bytes: [UInt8], reason: String?)] = [
            (EventJSON().bytes, nil),
            (huge.bytes, "more than max-event-bytes 262144"),
            (EventJSON().string("response_content", overField).bytes, "response_content: 65537 bytes, more than max-field-bytes 65536"),
            (EventJSON().raw("input_messages", bigMessages).bytes, "input_messages: 65567 bytes, more than max-field-bytes 65536"),
            // At the field limit exactly: stored.
            (EventJSON().string("system_prompt", String(repeating: "s", count: 64 << 10)).bytes, nil),
            (EventJSON().bytes, nil),
        ]
        let ack = try #require(try client.sendBatch("limits", events.map(\.bytes)))
        #expect(ack.stored == 3)
        #expect(ack.rejected.map(\.index) == [1, 2, 3])
        for (rejection, event) in zip(ack.rejected, events.filter { $0.reason != nil }) {
            #expect(rejection.error.contains(event.reason!), "\(rejection.error)")
        }
        #expect(ack.rejected.first?.id == hugeID, "the top-level id of an event too large to parse")

        var configuration = Configuration()
        configuration.readonly = true
        let letters = try DatabaseQueue(path: daemon.storePath, configuration: configuration).read { db in
            try Row.fetchAll(db, sql: "SELECT reason, event_id, payload_size, length(payload) AS kept FROM dead_letters ORDER BY id")
        }
        #expect(letters.count == 3)
        #expect(letters.map { $0["payload_size"] as Int } == [1, 2, 3].map { events[$0].bytes.count })
        #expect(letters.map { $0["kept"] as Int } == [1, 2, 3].map { min(events[$0].bytes.count, DeadLetter.payloadLimit) })
        #expect(letters.map { $0["reason"] as String } == ack.rejected.map(\.error))

        // A batch above --max-batch-events: one error reply naming the limit, nothing stored.
        try client.send(WireMessage.batch(id: "seven", events: Array(repeating: EventJSON().bytes, count: 7)).frames)
        guard case .error(let batchID, let message)? = try client.receive(timeout: 10) else {
            Issue.record("expected an error reply")
            return
        }
        #expect(batchID == "seven" && message == "7 events in one batch, more than 6")

        let status = try #require(try client.status())
        #expect(status.stored == 3 && status.rejected == 3 && status.malformed == 1)
        #expect(status.limits == WriterStatus.Limits(
            maxMessageBytes: 1 << 20, maxEventBytes: 256 << 10, maxFieldBytes: 64 << 10, maxBatchEvents: 6))
        #expect(try Self.rowCounts(daemon.storePath) == (executions: 3, deadLetters: 3))
        print("limits: an event above max-event-bytes and two fields above max-field-bytes dead-lettered with "
            + "their reasons, a batch above max-batch-events refused; the connection served on")
    }

    // MARK: - Fuzzer

    /// Seeded: `EXECLOG_FUZZ_SEED` repeats a run (the seed is printed), `EXECLOG_FUZZ_SECONDS` lengthens it.
    @Test func aSeededFuzzerNeverBreaksTheDaemonOrItsAccounting() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["EXECLOG_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        let duration = environment["EXECLOG_FUZZ_SECONDS"].flatMap { Double($0) } ?? 12
        print("fuzz: seed \(seed) (EXECLOG_FUZZ_SEED=\(seed) repeats it)")
        let folder = try TemporaryFolder()
        let daemon = try Daemon(folder: folder)
        try daemon.waitUntilReady()
        let client = try RawClient(endpoint: daemon.ipcEndpoint)
        var fuzzer = Fuzzer(seed: seed)
        var tally = (messages: 0, batches: 0, events: 0, errors: 0, statuses: 0, stored: 0, duplicates: 0, rejected: 0)
        let started = Date()

        fuzzing: while Date().timeIntervalSince(started) < duration {
            // A window of messages in flight, then all their replies. What each message must get back is
            // what PROTOCOL.md says for its frames: an ack with one entry per event, an error, or a status.
            var acks: [String: [Int]] = [:]
            var errors = 0
            var statuses = 0
            for _ in 0..<8 {
                let frames = fuzzer.message()
                try client.send(frames)
                tally.messages += 1
                switch try? WireMessage(frames: frames) {
                case .batch(let id, let events)?: acks[id, default: []].append(events.count)
                case .status?: statuses += 1
                default: errors += 1
                }
            }
            while errors + statuses + acks.values.reduce(0, { $0 + $1.count }) > 0 {
                guard let reply = try client.receive(timeout: 15) else {
                    let status = try? RawClient(endpoint: daemon.ipcEndpoint).status(timeout: 2)
                    Issue.record("""
                        no reply within 15 s; seed \(seed); daemon running: \(daemon.process.isRunning); \
                        status: \(status.map { String(decoding: $0.json, as: UTF8.self) } ?? "none"); log: \(daemon.log.suffix(2_000))
                        """)
                    break fuzzing
                }
                switch reply {
                case .ack(let id, let ack):
                    guard let index = acks[id]?.firstIndex(of: ack.eventCount) else {
                        Issue.record("unexpected ack \(id) for \(ack.eventCount) events; seed \(seed)")
                        break fuzzing
                    }
                    acks[id]!.remove(at: index)
                    if acks[id]!.isEmpty { acks[id] = nil }
                    tally.batches += 1
                    tally.events += ack.eventCount
                    tally.stored += ack.stored
                    tally.duplicates += ack.duplicates
                    tally.rejected += ack.rejected.count
                    #expect(ack.rejected.allSatisfy { !$0.error.isEmpty })
                case .error:
                    errors -= 1
                    tally.errors += 1
                case .status:
                    statuses -= 1
                    tally.statuses += 1
                case .batch, .report:
                    Issue.record("the writer sent a message only emitters send")
                }
                if errors < 0 || statuses < 0 {
                    Issue.record("more errors or statuses than expected; seed \(seed)")
                    break fuzzing
                }
            }
        }
        let elapsed = Self.seconds(since: started)

        #expect(daemon.process.isRunning, "\(daemon.log)")
        let status = try #require(try client.status(), "the daemon no longer answers status")
        #expect(status.received == status.stored + status.duplicates + status.rejected)
        #expect(status.received == tally.events && status.stored == tally.stored)
        #expect(status.duplicates == tally.duplicates && status.rejected == tally.rejected)
        #expect(status.malformed == tally.errors && status.batches == tally.batches)
        #expect(status.queueDepth == 0)
        let (executions, deadLetters) = try Self.rowCounts(daemon.storePath)
        #expect(executions == status.stored)
        #expect(deadLetters == status.rejected)
        // And a good batch after all that.
        let final = (0..<20).map { _ in EventJSON().bytes }
        #expect(try client.sendBatch("final", final) == Ack(stored: 20, duplicates: 0))
        #expect(try Self.rowCounts(daemon.storePath).executions == status.stored + 20)
        print("""
            fuzz: \(tally.messages) messages in \(elapsed) s: \(tally.batches) acked batches of \(tally.events) events \
            (stored \(tally.stored), duplicates \(tally.duplicates), rejected \(tally.rejected) = dead letters \
            \(deadLetters)), \(tally.errors) errors, \(tally.statuses) status replies
            """)
    }

    // MARK: - Helpers

    static func rowCounts(_ storePath: String) throws -> (executions: Int, deadLetters: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: storePath, configuration: configuration).read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM ai_executions")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM dead_letters")!)
        }
    }

    static func seconds(since start: Date) -> String { String(format: "%.1f", Date().timeIntervalSince(start)) }
}

/// The UTF-8 bytes of a text: frames and events written as strings.
func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A valid minimal event, field by field, whose values a test replaces with anything (raw JSON bytes,
/// valid or not). Keys keep their order; each event gets a fresh UUIDv7 unless told otherwise.
struct EventJSON {
    static let required = ["id", "usage_type", "provider", "model_name", "input_messages"]
    static let integers = [
        "input_tokens", "output_tokens", "total_tokens", "cached_input_tokens", "max_tokens", "execution_time_ms",
        "time_to_first_token_ms",
    ]

    private(set) var fields: [(key: String, value: [UInt8])]

    init(id: String = UUID.v7().uuidString.lowercased()) {
        fields = [
            ("id", Self.quoted(id)), ("usage_type", utf8(#""general""#)), ("provider", utf8(#""openai""#)),
            ("model_name", utf8(#""gpt-5""#)), ("input_messages", utf8(#"[{"role":"user","content":"Hello"}]"#)),
        ]
    }

    /// The field set to these bytes as they are (added when missing).
    func rawBytes(_ key: String, _ value: [UInt8]) -> EventJSON {
        var copy = self
        if let index = copy.fields.firstIndex(where: { $0.key == key }) {
            copy.fields[index].value = value
        } else {
            copy.fields.append((key, value))
        }
        return copy
    }

    func raw(_ key: String, _ json: String) -> EventJSON { rawBytes(key, utf8(json)) }

    /// The field set to this text as a JSON string.
    func string(_ key: String, _ text: String) -> EventJSON { rawBytes(key, Self.quoted(text)) }

    func removing(_ key: String) -> EventJSON {
        var copy = self
        copy.fields.removeAll { $0.key == key }
        return copy
    }

    var bytes: [UInt8] {
        var output = utf8("{")
        for (index, field) in fields.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output += Self.quoted(field.key) + utf8(":") + field.value
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    static func quoted(_ text: String) -> [UInt8] { utf8(JSONValue.string(text).serialized()) }
}

/// Makes fuzzed messages from a seed: valid events mutated byte by byte or field by field, random frames
/// and frame counts, damaged tags, verbs and batch ids. The same seed makes the same messages.
struct Fuzzer {
    private var random: SplitMix64
    private var generator: ExecutionGenerator
    /// Events already made, some of them sent again: duplicates.
    private var pool: [[UInt8]] = []
    private var batchNumber = 0
    private var eventNumber = 0

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        var options = ExecutionGenerator.Options()
        options.payloadBytes = 200
        options.largePromptRatio = 0
        generator = ExecutionGenerator(seed: seed, options: options)
    }

    static let tag = utf8("execlog/1")
    static let tokens: [[UInt8]] = [
        utf8("NaN"), utf8("\""), utf8("\\"), utf8(#"\u0000"#), utf8(#"\ud800"#), utf8("{"), utf8("}"), utf8("["),
        utf8("]"), utf8(","), utf8(":"), [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0], utf8("null"),
        utf8("1e999"), utf8("-"), utf8("9223372036854775808"), utf8("12.5"), utf8("//"), utf8("'"),
        utf8(#""id":"x""#), utf8(#""usage_type":"#),
    ]

    mutating func message() -> [[UInt8]] {
        batchNumber += 1
        let id = utf8("f\(batchNumber)")
        switch int(0..<100) {
        case 0..<60:  // a batch of good and mutated events
            let count = chance(0.01) ? int(200...2_000) : int(1...12)
            return [Self.tag, utf8("batch"), id] + (0..<count).map { _ in chance(0.35) ? validEvent() : mutated(validEvent()) }
        case 60..<68:  // a damaged batch id, or no event
            switch int(0..<4) {
            case 0: return [Self.tag, utf8("batch"), randomBytes(0...70), validEvent()]
            case 1: return [Self.tag, utf8("batch"), mutated(id), mutated(validEvent())]
            case 2: return [Self.tag, utf8("batch"), id]
            default: return [Self.tag, utf8("batch")]
            }
        case 68..<78:  // random frames
            return (0..<int(1...6)).map { _ in randomBytes(0...80) }
        case 78..<88:  // a random or damaged verb
            let verbs = [utf8("status"), utf8("ack"), utf8("error"), utf8("hello"), [], mutated(utf8("batch")), randomBytes(1...12)]
            return [Self.tag, pick(verbs)] + (0..<int(0...4)).map { _ in chance(0.5) ? id : randomBytes(0...40) }
        case 88..<94:  // a damaged tag on a good batch
            return [mutated(Self.tag), utf8("batch"), id, validEvent()]
        case 94..<97:  // as a REQ socket would send it
            return [[], Self.tag, utf8("batch"), id, validEvent()]
        default:
            return [Self.tag, utf8("status")] + (chance(0.3) ? [randomBytes(0...20)] : [])
        }
    }

    /// A valid event with a seeded id and time; one in ten is an earlier one again.
    mutating func validEvent() -> [UInt8] {
        if !pool.isEmpty, chance(0.1) { return pick(pool) }
        eventNumber += 1
        var execution = generator.next(createdAt: Date(timeIntervalSince1970: 1_790_000_000 + Double(eventNumber)))
        execution.id = UUID(uuidString: String(
            format: "%08llx-%04llx-7%03llx-8%03llx-%012llx", random.next() >> 32, random.next() >> 48,
            random.next() >> 52, random.next() >> 52, random.next() >> 16))!
        let event = execution.eventBytes
        if pool.count < 256 { pool.append(event) } else { pool[int(0..<256)] = event }
        return event
    }

    /// One to three mutations of the bytes: flips, cuts, insertions, deletions, repeats, field swaps, nesting.
    mutating func mutated(_ input: [UInt8]) -> [UInt8] {
        var event = input
        for _ in 0..<int(1...3) {
            let position = event.isEmpty ? 0 : int(0..<event.count)
            switch int(0..<10) {
            case 0: if !event.isEmpty { event[position] = UInt8(truncatingIfNeeded: random.next()) }
            case 1: if !event.isEmpty { event[position] ^= 1 << UInt8(int(0..<8)) }
            case 2: event = Array(event.prefix(position))
            case 3: event.insert(contentsOf: randomBytes(1...8), at: position)
            case 4: event.insert(contentsOf: pick(Self.tokens), at: position)
            case 5: event.removeSubrange(position..<min(event.count, position + int(1...16)))
            case 6: event.insert(contentsOf: event[position..<min(event.count, position + int(1...32))], at: position)
            case 7, 8: event = swappedField(event)
            default:
                let depth = int(1...1_000)
                event = Array(repeating: UInt8(ascii: "["), count: depth) + event + Array(repeating: UInt8(ascii: "]"), count: depth)
            }
        }
        return event
    }

    /// A field removed, or set to a value of any type (a known field or an unknown one).
    private mutating func swappedField(_ input: [UInt8]) -> [UInt8] {
        guard case .object(var members)? = try? JSONValue.parse(input) else { return input }
        let keys = Execution.fieldNames + ["future_field"]
        if chance(0.2), let key = members.keys.sorted().randomElement(using: &random) {
            members[key] = nil
        } else {
            members[pick(keys)] = randomValue(depth: 0)
        }
        return utf8(JSONValue.object(members).serialized())
    }

    private mutating func randomValue(depth: Int) -> JSONValue {
        switch int(0..<10) {
        case 0: return .null
        case 1: return .bool(chance(0.5))
        case 2: return .int(Int64(bitPattern: random.next()))
        case 3: return .int(Int64(int(-3...3)))
        case 4: return .double(Double(Int64(bitPattern: random.next())) / 1e9)
        case 5: return .string(randomText(0...12))
        case 6: return .string(randomText(40...260))
        case 7: return depth < 3 ? .array((0..<int(0...4)).map { _ in randomValue(depth: depth + 1) }) : .string("")
        case 8:
            guard depth < 3 else { return .int(0) }
            return .object(Dictionary((0..<int(0...4)).map { _ in (randomText(0...6), randomValue(depth: depth + 1)) },
                                      uniquingKeysWith: { first, _ in first }))
        default:
            return .string(pick(["2026-11-27T10:55:45Z", "2026-11-27", "01a21cd4-97db-7e7a-b9ba-2fe8bd2e2c88", "", "gpt-5"]))
        }
    }

    private mutating func randomText(_ length: ClosedRange<Int>) -> String {
        let palette: [Character] = ["a", "Z", "0", " ", "\u{0}", "é", "🚀", "\"", "\\", "\n", "\u{FFFD}", "日"]
        return String((0..<int(length)).map { _ in pick(palette) })
    }

    private mutating func randomBytes(_ length: ClosedRange<Int>) -> [UInt8] {
        (0..<int(length)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    private mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }
    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    private mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }
    private mutating func pick<Element>(_ elements: [Element]) -> Element { elements[int(0..<elements.count)] }
}
