import ExecLogModel

extension Execution {
    /// About how many bytes this execution's JSON takes, without encoding it: the field names and
    /// numbers are a fixed overhead, the strings count by their UTF-8 length (O(1) for native
    /// strings). Good enough to bound memory; the caller's thread never pays for JSON.
    var estimatedSize: Int {
        // Summed one by one: an array of the optionals would allocate on every record().
        var size = 420
        size += usageType.utf8.count + provider.utf8.count + modelName.utf8.count
        size += (systemPrompt?.utf8.count ?? 0) + (responseContent?.utf8.count ?? 0)
        size += (errorMessage?.utf8.count ?? 0) + (finishReason?.utf8.count ?? 0)
        size += (traceID?.utf8.count ?? 0) + (sessionID?.utf8.count ?? 0) + (userID?.utf8.count ?? 0)
        for tag in tags { size += tag.utf8.count + 3 }
        size += inputMessages.estimatedSize
        size += executionMetadata?.estimatedSize ?? 0
        return size
    }
}

extension JSONValue {
    var estimatedSize: Int {
        switch self {
        case .null, .bool: 5
        case .int, .double: 12
        case .string(let text): text.utf8.count + 2
        case .array(let elements): elements.reduce(2) { $0 + $1.estimatedSize + 1 }
        case .object(let members): members.reduce(2) { $0 + $1.key.utf8.count + 4 + $1.value.estimatedSize }
        }
    }
}
