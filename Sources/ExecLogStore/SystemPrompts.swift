import GRDB

/// Content-addressed storage of long system prompts (schema v6): a worker fleet sends the same few
/// prompts with every call, so each distinct long prompt is stored once in `system_prompts` and the
/// executions point at it (`ai_executions.system_prompt_id`, their `system_prompt` NULL). Short ones
/// stay in the row: a lookup would cost more than they do.
///
/// A prompt no execution points at any more is deleted with the last one that did, so that deleting
/// an execution deletes its content (docs/STORE.md).
enum SystemPrompts {
    /// Prompts of at least this many UTF-8 bytes go to `system_prompts`.
    static let minimumBytes = 256

    /// The id of `text` in `system_prompts`, inserted if it is not there yet. `hash` is its `fingerprint`.
    static func id(of text: String, hash: Int64, in db: Database) throws -> Int64 {
        // The hash finds the candidates; SQLite compares the texts, so a collision never mixes two prompts.
        let find = try db.cachedStatement(sql: "SELECT id FROM system_prompts WHERE hash = ? AND text = ?")
        if let id = try Int64.fetchOne(find, arguments: [hash, text]) { return id }
        let insert = try db.cachedStatement(sql: "INSERT INTO system_prompts (hash, text) VALUES (?, ?)")
        try insert.execute(arguments: [hash, text])
        return db.lastInsertedRowID
    }

    /// Deletes those of `ids` that no execution points at any more (after executions were deleted).
    static func deleteUnused(_ ids: Set<Int64>, in db: Database) throws {
        let delete = try db.cachedStatement(
            sql: """
                DELETE FROM system_prompts
                WHERE id = ? AND NOT EXISTS (SELECT 1 FROM ai_executions WHERE system_prompt_id = ?)
                """)
        for id in ids { try delete.execute(arguments: [id, id]) }
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: stable across processes and versions (it is stored), unlike
    /// Swift's seeded `Hasher`.
    static func fingerprint(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }
}
