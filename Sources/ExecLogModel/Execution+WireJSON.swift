extension Execution {
    /// The event as the wire carries it: compact JSON, absent fields left out. Written by hand over
    /// UTF-8 bytes because every worker's sender thread runs it for every execution, and JSONEncoder
    /// costs several times more. Decodes to the same execution (`decodeEvent`).
    public func wireJSON() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(
            384 + (systemPrompt?.utf8.count ?? 0) + (responseContent?.utf8.count ?? 0) + (errorMessage?.utf8.count ?? 0))
        output.append(UInt8(ascii: "{"))
        var first = true
        forEachField { name, value in
            guard let value else { return }
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            output.append(contentsOf: "\":".utf8)
            value.append(to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }
}
