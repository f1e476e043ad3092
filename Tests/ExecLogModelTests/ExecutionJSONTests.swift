import ExecLogModel
import ExecLogSimulation
import Foundation
import Testing

@Suite struct ExecutionJSONTests {
    static let minimal = #"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"interview","provider":"openai","model_name":"gpt-5","input_messages":[{"role":"user","content":"Hi"}]}"#

    @Test func decodesAMinimalEventAndDefaultsCreatedAtToReceipt() throws {
        let received = Date(timeIntervalSince1970: 1_790_000_000)
        let execution = try Execution.decodeEvent(Data(Self.minimal.utf8), receivedAt: received)
        #expect(execution.idString == "0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f")
        #expect(execution.usageType == "interview")
        #expect(execution.createdAt == received)
        #expect(execution.inputMessages == [["role": "user", "content": "Hi"]])
        #expect(execution.tags.isEmpty)
        #expect(!execution.isError)
    }

    @Test func roundTripsEveryField() throws {
        let original = Execution(
            aiModelID: UUID(), usageType: "task_execution", inputMessages: [["role": "user", "content": "naïve 日本 🚀"]],
            systemPrompt: "Be brief.\n\"quoted\"", responseContent: "done", inputTokens: 10, outputTokens: 20,
            totalTokens: 30, provider: "anthropic", modelName: "claude-sonnet-4-5", temperature: 0.7, maxTokens: 1024,
            executionMetadata: ["attempt": 2, "ratio": 0.5, "nested": ["a": [true, nil]]], errorMessage: "overloaded",
            executionTimeMs: 1234, createdAt: Date(timeIntervalSince1970: 1_790_000_000.123), traceID: "t1",
            sessionID: "s1", userID: "u1", tags: ["a", "b"], cachedInputTokens: 5, finishReason: "stop",
            timeToFirstTokenMs: 300)
        for includeNulls in [false, true] {
            let decoded = try Execution.decodeEvent(original.jsonData(includeNulls: includeNulls))
            #expect(decoded == original)
        }
    }

    @Test func theHandWrittenWireJSONIsReadByFoundationAndDecodesBack() throws {
        var generator = ExecutionGenerator(seed: 11)
        var samples = (0..<200).map { generator.next(createdAt: Date(timeIntervalSince1970: 1_790_000_000 + Double($0))) }
        var odd = samples[0]
        odd.systemPrompt = "tab\t quote\" backslash\\ nul\u{0} bell\u{7} 🚀 \u{2028}"
        odd.temperature = 1e-7
        odd.tags = ["x", "y"]
        odd.executionMetadata = ["big": .int(Int64.max), "neg": .double(-2.5e300), "list": [nil, false]]
        samples.append(odd)
        for execution in samples {
            let wire = execution.wireJSON()
            // Another parser (Foundation's) reads the same object: every field present, none extra.
            let foundation = try #require(try JSONSerialization.jsonObject(with: Data(wire)) as? [String: Any])
            #expect(Set(foundation.keys) == Set(Execution.fieldNames.filter { execution.jsonObject(includeNulls: false)[$0] != nil }))
            #expect(foundation["system_prompt"] as? String == execution.systemPrompt)
            #expect(try Execution.decodeEvent(wire) == execution)
        }
    }

    /// The wire's bytes are a contract with every writer already deployed: each field exactly as
    /// `JSONValue.serialized()` writes its value (keys sorted, the same escapes and numbers), in
    /// `fieldNames` order, and appending to a buffer that holds something gives the same bytes after it.
    @Test func theWireJSONIsEachFieldSerializedInFieldOrder() throws {
        var generator = ExecutionGenerator(seed: 5)
        var samples = (0..<300).map { generator.next(createdAt: Date(timeIntervalSince1970: 1_790_000_000 + Double($0) * 0.37)) }
        var odd = samples[0]
        odd.aiModelID = UUID()
        odd.systemPrompt = "tab\t quote\" backslash\\ nul\u{0} bell\u{7} del\u{7f} 🚀 \u{2028} 12345678\"\"\\"
        odd.temperature = 1e-7
        odd.costUSD = 0.1 + 0.2
        odd.tags = ["a\"b", "ü"]
        odd.executionMetadata = [
            "zeta": 1, "alpha": [nil, false, 2.5, -0.0, .double(.infinity)], "Beta": ["é": "x", "e": "y", "ab": "z"],
            "big": .int(Int64.min), "huge": 1e300,
        ]
        odd.inputMessages = [["content": "x", "role": "user"], ["b": 1], [:], ["only": "one"], []]
        samples.append(odd)
        // Times as Timestamp.format writes them: the range's ends and beyond, before 1970, leap days.
        let times: [TimeInterval] = [
            -62_135_596_800, -62_135_596_801, 253_402_300_799.999, 1e13, -1e13, -0.001, -1, -86_400.5, 0,
            951_782_400.5, 4_107_542_399.999, -2_203_891_200, 1_790_000_000.123_9,
        ]
        for time in times {
            var timed = samples[1]
            timed.createdAt = Date(timeIntervalSince1970: time)
            samples.append(timed)
        }
        for _ in 0..<500 {
            var timed = samples[2]
            timed.createdAt = Date(timeIntervalSince1970: Double.random(in: -62_135_596_800...253_402_300_799.999))
            samples.append(timed)
        }
        let names = Execution.fieldNames
        for execution in samples {
            let object = execution.jsonObject(includeNulls: false)
            let fields = names.compactMap { name in
                object[name].map { JSONValue.string(name).serialized() + ":" + $0.serialized() }
            }
            #expect(execution.wireJSON() == Array(("{" + fields.joined(separator: ",") + "}").utf8))
            var buffer = Array("prefix".utf8)
            execution.appendWireJSON(to: &buffer)
            #expect(buffer == Array("prefix".utf8) + execution.wireJSON())
        }
    }

    @Test func ignoresUnknownFields() throws {
        let json = Self.minimal.dropLast() + #","future_field":{"x":1},"another":[1,2]}"#
        #expect(try Execution.decodeEvent(Data(json.utf8)).modelName == "gpt-5")
    }

    @Test(arguments: [
        ("{}", "id: required field is missing"),
        ("not json", "invalid JSON"),
        ("[1,2]", "an event must be a JSON object"),
        (#"{"id":"nope","usage_type":"a","provider":"b","model_name":"c","input_messages":[]}"#, "id: not a UUID"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","provider":"b","model_name":"c","input_messages":[]}"#,
         "usage_type: required field is missing"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"a","provider":"b","model_name":"c","input_messages":{}}"#,
         "input_messages: expected an array"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"a","provider":"b","model_name":"c","input_messages":[],"input_tokens":"12"}"#,
         "input_tokens: expected an integer"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"a","provider":"b","model_name":"c","input_messages":[],"input_tokens":-1}"#,
         "input_tokens: must not be negative"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"","provider":"b","model_name":"c","input_messages":[]}"#,
         "usage_type: must not be empty"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"a","provider":"b","model_name":"c","input_messages":[],"created_at":"2026-11-27"}"#,
         "created_at: not an RFC 3339 time"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"a","provider":"b","model_name":"c","input_messages":[],"temperature":"0.7"}"#,
         "temperature: expected a number"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"a","provider":"b","model_name":"c","input_messages":[],"execution_metadata":[1]}"#,
         "execution_metadata: expected an object"),
        (#"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"a","provider":"b","model_name":"c","input_messages":[],"tags":["x",3]}"#,
         "tags.[1]: expected a string"),
    ])
    func rejectsBadEventsWithAReasonNamingTheField(_ json: String, _ reason: String) {
        #expect {
            try Execution.decodeEvent(Data(json.utf8))
        } throws: { error in
            let description = String(describing: error)
            return description.hasPrefix(reason) && !description.contains("\n")
        }
    }

    @Test func enforcesLengthLimits() {
        var execution = Execution(usageType: String(repeating: "u", count: 50), provider: "p", modelName: "m")
        #expect(throws: Never.self) { try execution.validate() }
        execution.usageType += "u"
        #expect(throws: ExecutionError.self) { try execution.validate() }
        execution.usageType = "u"
        execution.modelName = String(repeating: "é", count: 101)
        #expect(throws: ExecutionError(field: "model_name", "101 characters, more than 100")) {
            try execution.validate()
        }
    }

    @Test func serializesJSONValuesCompactlyAndReadably() throws {
        let value: JSONValue = ["b": [1, 2.5, "x\"y\\z\n\u{01}", nil, true], "a": "日本 🚀 /"]
        let text = value.serialized()
        #expect(text == #"{"a":"日本 🚀 /","b":[1,2.5,"x\"y\\z\n\u0001",null,true]}"#)
        #expect(try JSONValue.parse(text) == value)
    }
}

/// What the hardening issue found: every depth the writer accepts is readable by every reader, and
/// reasons that name the field.
@Suite struct ExecutionJSONLimitsTests {
    /// An event whose `input_messages` and `execution_metadata` nest as deep as the parser accepts: the
    /// event object is level 1, so each of them holds 511 levels.
    static func deepestEvent(extraLevel: Bool = false) -> String {
        let levels = JSONValue.maxNestingDepth - 1 + (extraLevel ? 1 : 0)
        let messages = String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        let metadata = String(repeating: #"{"a":"#, count: levels - 1) + "{}" + String(repeating: "}", count: levels - 1)
        return #"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"u","provider":"p","model_name":"m","created_at":"2026-12-07T10:00:00.123Z","input_messages":\#(messages),"execution_metadata":\#(metadata)}"#
    }

    @Test func theDeepestAcceptedEventIsWrittenBackInEveryForm() throws {
        let execution = try Execution.decodeEvent(Data(Self.deepestEvent().utf8))
        for (pretty, includeNulls) in [(false, false), (false, true), (true, false), (true, true)] {
            let data = execution.jsonData(pretty: pretty, includeNulls: includeNulls)
            #expect(try Execution.decodeEvent(data) == execution, "pretty \(pretty), nulls \(includeNulls)")
        }
        let foundation = try JSONSerialization.jsonObject(with: execution.jsonData(pretty: true, includeNulls: true))
        #expect((foundation as? [String: Any])?["input_messages"] is [Any])
        #expect(execution.inputMessages.prettySerialized().hasPrefix("[\n  [\n    [\n"))
    }

    @Test func oneLevelMoreIsRejectedWithTheFieldNamed() {
        #expect {
            try Execution.decodeEvent(Data(Self.deepestEvent(extraLevel: true).utf8))
        } throws: { error in
            let error = try #require(error as? ExecutionError)
            return error.field?.hasPrefix("input_messages.[0].[0]…") == true
                && error.reason.hasPrefix("nested deeper than 512 levels")
        }
    }

    @Test(arguments: [
        (#""usage_type":"\ud800""#, "usage_type", "\\ud800 is a lone UTF-16 surrogate"),
        (#""usage_type":"u","system_prompt":"a\udfff b""#, "system_prompt", "\\udfff is a lone UTF-16 surrogate"),
        (#""usage_type":"u","temperature":1e400"#, "temperature", "the number 1e400 is too large"),
        (#""usage_type":"u","execution_metadata":{"x":[1,-1e999]}"#, "execution_metadata.x.[1]", "the number -1e999 is too large"),
    ])
    func aValueJSONCannotCarryIsNamedWithItsReason(_ members: String, _ field: String, _ reason: String) {
        let event = #"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f",\#(members),"provider":"p","model_name":"m","input_messages":[]}"#
        #expect {
            try Execution.decodeEvent(Data(event.utf8))
        } throws: { error in
            let error = try #require(error as? ExecutionError)
            return error.field == field && error.reason.hasPrefix(reason)
        }
    }

    @Test func theStoredTotalIsTheGivenOneElseTheSumOfTheGivenParts() {
        func total(_ input: Int?, _ output: Int?, _ total: Int?) -> Int? {
            Execution(usageType: "u", inputTokens: input, outputTokens: output, totalTokens: total, provider: "p", modelName: "m")
                .totalTokensOrSum
        }
        #expect(total(812, 95, nil) == 907)
        #expect(total(812, 95, 1_000) == 1_000, "a total that disagrees is kept as given")
        #expect(total(812, nil, nil) == 812)
        #expect(total(nil, 95, nil) == 95)
        #expect(total(nil, nil, nil) == nil)
        #expect(total(Int.max, 1, nil) == Int.max)
    }
}
