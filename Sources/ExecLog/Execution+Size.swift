import ExecLogModel

/// What an execution weighs, estimated without encoding it: `json`, about how many bytes its JSON
/// takes (what a batch will weigh on the wire, and what the spool's overflow counts); `memory`, about
/// how much heap it holds while it waits in the send queue (its slot in the queue's array, and every
/// string, array and dictionary it owns, rounded as malloc rounds them).
///
/// The queue's bound counts `memory` until the sender encodes the execution, then the JSON's exact
/// size (``HeapSize/encodedEvent(jsonBytes:)``): so `maxQueueBytes` bounds memory, not a guess at the
/// JSON, which is 2–3× smaller than the values for events of 1–2 KB. One walk over the messages
/// computes both: record() pays for it on the caller's thread.
struct EstimatedSize: Equatable {
    var json = 0
    var memory = 0

    mutating func add(_ text: String?, jsonOverhead: Int = 0) {
        guard let text else { return }
        json += text.utf8.count + jsonOverhead
        memory += HeapSize.string(text)
    }

    mutating func add(_ value: JSONValue) {
        switch value {
        case .null, .bool: json += 5
        case .int, .double: json += 12
        case .string(let text): add(text, jsonOverhead: 2)
        case .array(let elements):
            json += 2 + elements.count
            memory += HeapSize.block(32 + elements.count * MemoryLayout<JSONValue>.stride)
            for element in elements { add(element) }
        case .object(let members):
            json += 2
            memory += HeapSize.dictionary(count: members.count)
            for (key, member) in members {
                add(key, jsonOverhead: 4)
                add(member)
            }
        }
    }
}

extension Execution {
    var estimatedSize: EstimatedSize {
        // Field by field: an array of the optionals would allocate on every record().
        var size = EstimatedSize(json: 420, memory: HeapSize.queueEntry)
        size.add(usageType)
        size.add(provider)
        size.add(modelName)
        size.add(systemPrompt)
        size.add(responseContent)
        size.add(errorMessage)
        size.add(finishReason)
        size.add(traceID)
        size.add(sessionID)
        size.add(userID)
        if !tags.isEmpty {
            size.memory += HeapSize.block(32 + tags.count * MemoryLayout<String>.stride)
            for tag in tags { size.add(tag, jsonOverhead: 3) }
        }
        size.add(inputMessages)
        if let executionMetadata { size.add(executionMetadata) }
        return size
    }
}

/// Sizes of heap blocks as Swift lays values out and glibc's malloc hands them out, for the emitter's
/// memory bound. Checked against malloc's own count in `HeapSizeTests`.
enum HeapSize {
    /// A malloc'd block of `bytes`: 8 bytes of header, rounded up to 16, at least 32.
    static func block(_ bytes: Int) -> Int { max(32, (bytes + 8 + 15) & ~15) }

    /// A native string's storage: none up to 15 UTF-8 bytes (kept inline), else an object of a
    /// 32-byte header, the bytes and a NUL.
    static func string(_ text: String?) -> Int {
        guard let text else { return 0 }
        let count = text.utf8.count
        return count <= 15 ? 0 : block(32 + count + 1)
    }

    /// A `[String: JSONValue]`'s storage: a power-of-two number of buckets at most 3/4 full, each with
    /// a key and a value, a bitmap of the occupied ones, and the storage object's header.
    static func dictionary(count: Int) -> Int {
        guard count > 0 else { return 0 }
        var buckets = 2
        while buckets * 3 < count * 4 { buckets *= 2 }
        let perBucket = MemoryLayout<String>.stride + MemoryLayout<JSONValue>.stride
        return block(64 + (buckets + 63) / 64 * 8 + buckets * perBucket)
    }

    /// An execution waiting in the send queue: its slot in the queue's array (the array's spare
    /// capacity is about as much again, but it is reused, not per event).
    static let queueEntry = MemoryLayout<SendQueue.Entry>.stride

    /// An encoded event the sender holds until it is acknowledged: its bytes in their own array, and
    /// its slot in the sender's list.
    static func encodedEvent(jsonBytes: Int) -> Int {
        block(32 + jsonBytes) + MemoryLayout<InFlightBatches.Event>.stride
    }
}
