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

    @Test func theHandWrittenWireJSONSaysWhatJSONEncoderSays() throws {
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
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            let reference = try encoder.encode(execution)
            #expect(try JSONValue.parse(wire) == JSONValue.parse(reference))
            #expect(try Execution.decodeEvent(wire) == execution)
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
