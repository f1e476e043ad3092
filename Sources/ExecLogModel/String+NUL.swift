#if canImport(Glibc)
    import Glibc
#endif

extension String {
    /// Whether the text holds a NUL character (U+0000), which SQLite's C API would end a text at.
    /// memchr over the contiguous UTF-8 of a native string: the writer asks this of every text field of
    /// every event, and the generic `utf8.contains(0)` walks the bytes one by one through the view.
    public var containsNUL: Bool {
        utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0, bytes.count) != nil
        } ?? utf8.contains(0)
    }
}
