import ExecLogModel
import Foundation
import Testing

/// Keys in a reason come from the wire: shown short and escaped, so that a reason stays one short line
/// whatever they hold (in the ack, the dead letter, the logs).
@Suite struct ReasonFieldTests {
    @Test func aKeyInTheFieldPathIsShownShortAndEscaped() {
        let long = String(repeating: "k", count: 100_000)
        let event = #"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"u","provider":"p","model_name":"m","input_messages":[],"execution_metadata":{"\#(long)":{"a\nb\u001b[2J":1e400}}}"#
        #expect {
            try Execution.decodeEvent(Data(event.utf8))
        } throws: { error in
            let error = try #require(error as? ExecutionError)
            let expected = "execution_metadata." + "\"" + String(repeating: "k", count: 40) + "…\"" + ".\"a\\nb\\u{1B}[2J\""
            return error.field == expected && !error.description.contains("\n") && !error.description.contains("\u{1B}")
                && error.description.count < 300
        }
    }

    @Test func plainKeysAndIndexesStayAsTheyAre() {
        let event = #"{"id":"0192f0c1-3a5b-7c3d-8e4f-1a2b3c4d5e6f","usage_type":"u","provider":"p","model_name":"m","input_messages":[{"role":"user","content":[{"type":"text","text":"\ud800"}]}]}"#
        #expect {
            try Execution.decodeEvent(Data(event.utf8))
        } throws: { error in
            (error as? ExecutionError)?.field == "input_messages.[0].content.[0].text"
        }
    }
}
