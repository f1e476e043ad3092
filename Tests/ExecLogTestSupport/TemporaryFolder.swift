import Foundation

/// A fresh folder under /tmp, removed when the value goes away. The name is short because an ipc
/// socket's path must stay under 108 bytes.
public final class TemporaryFolder: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = URL(fileURLWithPath: "/tmp").appendingPathComponent("elt-\(UUID().uuidString.prefix(12))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
