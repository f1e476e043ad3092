import ExecLogModel

/// One message of the conversation sent to a model; stored as `{"role": …, "content": …}` in the
/// execution's `input_messages` array.
public struct ChatMessage: Sendable, Hashable {
    /// `system`, `user`, `assistant`, `tool`, … as the provider names them.
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> Self { Self(role: "system", content: content) }
    public static func user(_ content: String) -> Self { Self(role: "user", content: content) }
    public static func assistant(_ content: String) -> Self { Self(role: "assistant", content: content) }

    /// The JSON object stored for this message.
    public var jsonValue: JSONValue {
        ["role": .string(role), "content": .string(content)]
    }
}

extension Array where Element == ChatMessage {
    /// The `input_messages` array.
    public var jsonValue: JSONValue { .array(map(\.jsonValue)) }
}
