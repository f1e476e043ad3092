import ExecLogModel
import ExecLogStore
import Foundation

/// `execlog dead-letters`: the events the writer rejected, newest first, with why.
public enum DeadLetterReport {
    /// Payload bytes shown per dead letter: enough to recognise the sender, short enough for a line.
    public static let payloadPrefixBytes = 120

    public static func text(_ letters: [DeadLetter], totals: DeadLetterTotals, style: TerminalStyle) -> String {
        var output = style.bold("\(Formatting.count(totals.count)) dead letters, \(Formatting.bytes(totals.bytes))") + "\n"
        if letters.count < totals.count { output += style.dim("newest \(letters.count) shown (--limit)") + "\n" }
        for letter in letters {
            output += "\n" + style.bold(Formatting.localTime(letter.receivedAt)) + "  "
                + Formatting.bytes(letter.payloadSize) + (letter.eventID.map { "  id \(printable($0.utf8))" } ?? "") + "\n"
            output += "  " + style.red(printable(letter.reason.utf8)) + "\n"
            output += "  " + style.dim(printable(letter.payload.prefix(payloadPrefixBytes))
                + (letter.payloadSize > payloadPrefixBytes ? "…" : "")) + "\n"
        }
        return output
    }

    /// `{"count": …, "bytes": …, "dead_letters": [{"received_at", "reason", "event_id", "payload_size", "payload_prefix"}]}`.
    public static func json(_ letters: [DeadLetter], totals: DeadLetterTotals) -> String {
        let items = letters.map { letter -> JSONValue in
            [
                "received_at": .string(Timestamp.format(letter.receivedAt)), "reason": .string(letter.reason),
                "event_id": letter.eventID.map(JSONValue.string) ?? .null, "payload_size": .int(Int64(letter.payloadSize)),
                "payload_prefix": .string(String(decoding: letter.payload.prefix(payloadPrefixBytes), as: UTF8.self)),
            ]
        }
        let body: JSONValue = [
            "count": .int(Int64(totals.count)), "bytes": .int(Int64(totals.bytes)), "dead_letters": .array(items),
        ]
        return body.prettySerialized() + "\n"
    }

    /// The bytes as one line a terminal shows safely: invalid UTF-8 and control characters escaped.
    static func printable(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self).unicodeScalars.map { scalar in
            switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case _ where scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value):
                "\\u{\(String(scalar.value, radix: 16))}"
            default: String(scalar)
            }
        }.joined()
    }
}
